using Idp.Resources;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Infrastructure;

/// <summary>
/// A wait as users read it: whole minutes rounded up ("in 15 minutes"), "in less than a minute" below one; never
/// a count of seconds, which nobody can follow on a page that does not tick.
/// </summary>
public static class WaitText
{
    public static string Of(TimeSpan wait, IStringLocalizer<SharedResource> text)
    {
        if (wait < TimeSpan.FromMinutes(1))
            return text["Wait_LessThanAMinute"];
        var minutes = (int)Math.Ceiling(wait.TotalMinutes);
        return minutes == 1 ? text["Wait_OneMinute"] : text["Wait_Minutes", minutes];
    }
}
