using System.Globalization;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Messaging;
using Idp.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Helpdesk;

/// <summary>
/// The helpdesk's e-mails through the outbox: the user's confirmation and decision (in the user's language), the
/// helpdesk's reminder and the supervisors' escalation. They never carry a temporary access pass or other secret.
/// </summary>
public sealed class HelpdeskEmails(
    IdpDbContext db,
    IEmailSender email,
    SlaCalendar calendar,
    IOptions<IdpOptions> idp,
    IOptions<HelpdeskOptions> options,
    IStringLocalizer<HelpdeskResource> text)
{
    public const string StatusPath = "/signin/reset/status";

    public string StatusLink(ResetRequest request) =>
        $"{idp.Value.Issuer.TrimEnd('/')}{StatusPath}?ref={Uri.EscapeDataString(request.Reference)}";

    public Task SendSubmittedAsync(IdpUser user, ResetRequest request, CancellationToken cancellationToken) =>
        SendToUserAsync(user, "Mail_Submitted_Subject", "Mail_Submitted_Body", [request.Reference, Local(request.DueAt), StatusLink(request)], cancellationToken);

    public Task SendDecidedAsync(IdpUser user, ResetRequest request, CancellationToken cancellationToken) => request switch
    {
        { State: ResetRequestState.Rejected } => SendToUserAsync(user, "Mail_Rejected_Subject", "Mail_Rejected_Body", [request.Reference, request.RejectionReason ?? "", StatusLink(request)], cancellationToken),
        { Resolution: ResetResolution.TemporaryAccessPass } => SendToUserAsync(user, "Mail_Pass_Subject", "Mail_Pass_Body", [request.Reference, StatusLink(request)], cancellationToken),
        _ => SendToUserAsync(user, "Mail_Approved_Subject", "Mail_Approved_Body", [request.Reference, StatusLink(request)], cancellationToken),
    };

    /// <summary>To <see cref="HelpdeskOptions.ReminderTo"/>, or every user with the role <c>helpdesk</c>.</summary>
    public async Task SendReminderAsync(ResetRequest request, CancellationToken cancellationToken)
    {
        foreach (var to in await RecipientsAsync(options.Value.ReminderTo, "HELPDESK", cancellationToken))
            await SendInAsync(CultureInfo.GetCultureInfo("de"), to, "Mail_Reminder_Subject", "Mail_Reminder_Body", [request.Reference, Local(request.DueAt)], cancellationToken);
    }

    /// <summary>To <see cref="HelpdeskOptions.EscalationTo"/>, or every user with the role <c>supervisor</c>.</summary>
    public async Task SendEscalationAsync(ResetRequest request, CancellationToken cancellationToken)
    {
        foreach (var to in await RecipientsAsync(options.Value.EscalationTo, "SUPERVISOR", cancellationToken))
            await SendInAsync(CultureInfo.GetCultureInfo("de"), to, "Mail_Escalation_Subject", "Mail_Escalation_Body", [request.Reference, Local(request.DueAt)], cancellationToken);
    }

    private async Task<IReadOnlyList<string>> RecipientsAsync(List<string> configured, string role, CancellationToken cancellationToken)
    {
        if (configured.Count > 0)
            return configured;
        return await db.UserRoles
            .Join(db.Roles.Where(r => r.NormalizedName == role), ur => ur.RoleId, r => r.Id, (ur, r) => ur.UserId)
            .Join(db.Users, id => id, u => u.Id, (id, u) => u.Email)
            .Where(e => e != null && e != "").Select(e => e!).Distinct().ToListAsync(cancellationToken);
    }

    private Task SendToUserAsync(IdpUser user, string subject, string body, object[] arguments, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(user.Email))
            return Task.CompletedTask;
        return SendInAsync(CultureInfo.GetCultureInfo(UserLanguage(user)), user.Email, subject, body, [user.FullName, .. arguments], cancellationToken);
    }

    /// <summary>The user's language for e-mails: English or Dutch when the account asked for it, German otherwise.</summary>
    private static string UserLanguage(IdpUser user) => user.PreferredLocale?.Split('-', '_')[0].ToLowerInvariant() switch
    {
        "en" => "en",
        "nl" => "nl",
        _ => "de",
    };

    private async Task SendInAsync(CultureInfo culture, string to, string subject, string body, object[] arguments, CancellationToken cancellationToken)
    {
        var previous = CultureInfo.CurrentUICulture;
        string subjectText, bodyText;
        try
        {
            CultureInfo.CurrentUICulture = culture;
            subjectText = text[subject, arguments].Value;
            bodyText = text[body, arguments].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
        await email.SendAsync(new EmailMessage(to, subjectText, bodyText), cancellationToken);
    }

    /// <summary>The due time in the helpdesk's time zone, e.g. "Mo, 16.11.2026 15:00 (Europe/Berlin)".</summary>
    private string Local(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, calendar.TimeZone);
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (" + calendar.TimeZone.Id + ")";
    }
}
