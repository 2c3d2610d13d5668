using System.Globalization;
using Idp.Helpdesk;

namespace Idp.Pages.SignIn;

/// <summary>
/// A reset request as the user sees it (partial <c>_ResetRequestState</c>): on the lost-factor page after the
/// password and on the status page. Times in the helpdesk's time zone, the one its SLA is counted in.
/// </summary>
public sealed record ResetRequestView(ResetRequest Request, string Submitted, string? Due, string? Decided)
{
    public static ResetRequestView Of(ResetRequest request, SlaCalendar calendar) => new(
        request,
        Local(request.SubmittedAt, calendar),
        request.IsOpen ? Local(request.DueAt, calendar) : null,
        request.DecidedAt is { } decided && !request.IsOpen ? Local(decided, calendar) : null);

    public static string Local(DateTimeOffset instant, SlaCalendar calendar) =>
        TimeZoneInfo.ConvertTime(instant, calendar.TimeZone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) + " (" + calendar.TimeZone.Id + ")";
}
