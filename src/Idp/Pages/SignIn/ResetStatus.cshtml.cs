using Idp.Authentication;
using Idp.Helpdesk;
using Idp.Pages.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Idp.Pages.SignIn;

/// <summary>
/// The state of the user's reset request: after the password (pending sign-in) or in a session. The link in the
/// e-mails leads here; without the password the page only asks to sign in, whatever reference is in the link.
/// </summary>
public sealed class ResetStatusModel(SecondFactorFlow flow, HelpdeskRequests helpdesk, Helpdesk.SlaCalendar calendar) : SecondFactorPageModel(flow)
{
    public const string Path = "/signin/reset/status";
    public const string NoticeKey = "ResetNotice";

    public bool SignedIn { get; private set; }
    public ResetRequest? Latest { get; private set; }
    public string? Notice { get; private set; }

    public string Local(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, calendar.TimeZone).ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " (" + calendar.TimeZone.Id + ")";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync();
        if (state is null)
            return Page();
        SignedIn = true;
        Latest = await helpdesk.GetLatestForUserAsync(state.User.Id, cancellationToken);
        Notice = TempData[NoticeKey]?.ToString();
        return Page();
    }
}
