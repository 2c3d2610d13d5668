using PublicHoliday;

namespace Idp.Helpdesk;

/// <summary>
/// Public holidays in Germany, nationwide (<c>DE</c>) and per state (<c>DE-BY</c>, …), for any year, from the
/// PublicHoliday package's <see cref="GermanPublicHoliday"/> (Easter-dependent days and one-off days such as Berlin's
/// 8 May 2025 included). The package counts Mariä Himmelfahrt (15 August) for all of Bavaria, though by law it is a
/// holiday only in its mainly Catholic municipalities (Munich, Augsburg, …); Augsburg's Friedensfest is not included.
/// </summary>
public static class GermanHolidays
{
    private static readonly string[] States =
        [.. Enum.GetNames<GermanPublicHoliday.States>().Where(s => s != nameof(GermanPublicHoliday.States.ALL))];

    public static IEnumerable<string> Sets => new[] { "DE" }.Concat(States.Select(s => "DE-" + s));

    public static bool IsKnownSet(string set) => Sets.Contains(set, StringComparer.OrdinalIgnoreCase);

    public static DateOnly EasterSunday(int year) => DateOnly.FromDateTime(GermanPublicHoliday.EasterSunday(year));

    /// <summary>The holidays of <paramref name="set"/> in <paramref name="year"/>, with their German names.</summary>
    public static IReadOnlyDictionary<DateOnly, string> For(string set, int year) =>
        Calendar(set).PublicHolidaysInformation(year)
            .Where(h => h.IsPublic)
            .GroupBy(h => DateOnly.FromDateTime(h.ObservedDate))
            .ToDictionary(g => g.Key, g => string.Join(" / ", g.Select(h => h.Name)));

    private static GermanPublicHoliday Calendar(string set)
    {
        if (!IsKnownSet(set))
            throw new ArgumentException($"Unknown holiday set '{set}'; use DE or DE-<state>.", nameof(set));
        // Parsed only after the check above, since Enum.Parse would also take a number ("DE-3").
        var state = set.Length > 3
            ? Enum.Parse<GermanPublicHoliday.States>(set[3..], ignoreCase: true)
            : GermanPublicHoliday.States.ALL;
        return new GermanPublicHoliday { State = state };
    }
}
