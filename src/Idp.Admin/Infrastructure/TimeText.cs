using System.Globalization;
using Idp.Helpdesk;

namespace Idp.Admin.Infrastructure;

/// <summary>
/// How the admin area writes times: in the helpdesk's time zone (<c>Idp:Helpdesk:Sla:TimeZone</c>, the one the
/// user's status page shows), always with the zone named, so staff and users talk about the same 14:30.
/// </summary>
public static class TimeText
{
    /// <summary>"1 d 3 h", "5 h 12 min", "-2 h 5 min" (overdue).</summary>
    public static string Duration(TimeSpan span)
    {
        var sign = span < TimeSpan.Zero ? "-" : "";
        span = span.Duration();
        var text = span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : $"{span.Minutes} min";
        return sign + text;
    }

    /// <summary>"05.12.2026 14:30 (Europe/Berlin)": <paramref name="at"/> in the helpdesk's time zone; "–" for none.</summary>
    public static string Local(this SlaCalendar calendar, DateTimeOffset? at) =>
        at is { } instant ? Local(calendar.TimeZone, instant) : "–";

    public static string Local(TimeZoneInfo zone, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) + " (" + zone.Id + ")";

    /// <summary>The calendar day of <paramref name="at"/> in the helpdesk's time zone.</summary>
    public static DateOnly LocalDay(this SlaCalendar calendar, DateTimeOffset at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, calendar.TimeZone).DateTime);

    /// <summary>The instant (in UTC, as stored) local midnight begins <paramref name="day"/> in the helpdesk's time zone.</summary>
    public static DateTimeOffset StartOfLocalDay(this SlaCalendar calendar, DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where a DST change skips midnight, the day starts at the first valid local time after it.
        while (calendar.TimeZone.IsInvalidTime(midnight))
            midnight = midnight.AddMinutes(30);
        return new DateTimeOffset(midnight, calendar.TimeZone.GetUtcOffset(midnight)).ToUniversalTime();
    }
}
