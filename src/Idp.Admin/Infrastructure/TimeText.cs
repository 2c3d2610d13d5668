using System.Globalization;

namespace Idp.Admin.Infrastructure;

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

    public static string Utc(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "–";
}
