namespace Idp.Helpdesk;

/// <summary>
/// Public holidays in Germany, nationwide (<c>DE</c>) and per state (<c>DE-BY</c>, …), computed for any year,
/// Easter-dependent days included (Gregorian Easter, the anonymous algorithm of Meeus/Jones/Butcher).
/// Regional holidays of only some municipalities (Augsburg's Friedensfest, Mariä Himmelfahrt in parts of Bavaria) are not included.
/// </summary>
public static class GermanHolidays
{
    private static readonly string[] States =
        ["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"];

    public static IEnumerable<string> Sets => new[] { "DE" }.Concat(States.Select(s => "DE-" + s));

    public static bool IsKnownSet(string set) => Sets.Contains(set, StringComparer.OrdinalIgnoreCase);

    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The holidays of <paramref name="set"/> in <paramref name="year"/>, with their German names.</summary>
    public static IReadOnlyDictionary<DateOnly, string> For(string set, int year)
    {
        var state = set.Length > 3 ? set[3..].ToUpperInvariant() : "";
        var easter = EasterSunday(year);
        var days = new Dictionary<DateOnly, string>
        {
            [new DateOnly(year, 1, 1)] = "Neujahr",
            [easter.AddDays(-2)] = "Karfreitag",
            [easter.AddDays(1)] = "Ostermontag",
            [new DateOnly(year, 5, 1)] = "Tag der Arbeit",
            [easter.AddDays(39)] = "Christi Himmelfahrt",
            [easter.AddDays(50)] = "Pfingstmontag",
            [new DateOnly(year, 10, 3)] = "Tag der Deutschen Einheit",
            [new DateOnly(year, 12, 25)] = "1. Weihnachtstag",
            [new DateOnly(year, 12, 26)] = "2. Weihnachtstag",
        };
        void Add(DateOnly date, string name, params string[] states)
        {
            if (states.Contains(state))
                days.TryAdd(date, name);
        }
        Add(new DateOnly(year, 1, 6), "Heilige Drei Könige", "BW", "BY", "ST");
        if (year >= 2019)
            Add(new DateOnly(year, 3, 8), "Internationaler Frauentag", year >= 2023 ? ["BE", "MV"] : ["BE"]);
        Add(easter, "Ostersonntag", "BB");
        Add(easter.AddDays(49), "Pfingstsonntag", "BB");
        Add(easter.AddDays(60), "Fronleichnam", "BW", "BY", "HE", "NW", "RP", "SL");
        Add(new DateOnly(year, 8, 15), "Mariä Himmelfahrt", "SL");
        if (year >= 2019)
            Add(new DateOnly(year, 9, 20), "Weltkindertag", "TH");
        Add(new DateOnly(year, 10, 31), "Reformationstag",
            year >= 2018 ? ["BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"] : ["BB", "MV", "SN", "ST", "TH"]);
        Add(new DateOnly(year, 11, 1), "Allerheiligen", "BW", "BY", "NW", "RP", "SL");
        // Buß- und Bettag: the Wednesday before 23 November.
        var repentance = new DateOnly(year, 11, 22);
        while (repentance.DayOfWeek != DayOfWeek.Wednesday)
            repentance = repentance.AddDays(-1);
        Add(repentance, "Buß- und Bettag", "SN");
        if (year == 2017)
            days.TryAdd(new DateOnly(2017, 10, 31), "Reformationstag (500 Jahre)");
        return days;
    }
}
