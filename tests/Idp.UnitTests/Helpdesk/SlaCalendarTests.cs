using Idp.Helpdesk;
using Microsoft.Extensions.Options;

namespace Idp.UnitTests.Helpdesk;

public sealed class SlaCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static SlaCalendar Calendar(string? holidaySet = "DE-BY", params DateOnly[] extra) =>
        new(new SlaOptions { Hours = 24, TimeZone = "Europe/Berlin", HolidaySet = holidaySet, ExtraHolidays = [.. extra] });

    /// <summary>A Berlin wall-clock time as an instant.</summary>
    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Berlin.GetUtcOffset(local));
    }

    [Fact]
    public void FridayAfternoon_IsDue_MondayAtTheSameTime()
    {
        // Friday 13 November 2026, 15:00 (no holiday around it).
        Assert.Equal(Local(2026, 11, 16, 15), Calendar().DueAt(Local(2026, 11, 13, 15)));
    }

    [Fact]
    public void Saturday_StartsTheClockOnMonday_DueTuesdayMidnight()
    {
        Assert.Equal(Local(2026, 11, 17, 0), Calendar().DueAt(Local(2026, 11, 14, 10)));
    }

    [Fact]
    public void MidweekRequest_IsDue_TheNextDayAtTheSameTime()
    {
        Assert.Equal(Local(2026, 11, 12, 9, 30), Calendar().DueAt(Local(2026, 11, 11, 9, 30)));
    }

    [Fact]
    public void Reminder_ComesAfterThreeQuartersOfTheWorkingTime()
    {
        // Friday 15:00 + 18 working hours: 9 h on Friday, 9 h on Monday.
        Assert.Equal(Local(2026, 11, 16, 9), Calendar().RemindAt(Local(2026, 11, 13, 15)));
    }

    [Fact]
    public void EasterHolidays_AreSkipped()
    {
        // 2026: Easter Sunday 5 April; Good Friday 3 April and Easter Monday 6 April are holidays nationwide.
        Assert.Equal(new DateOnly(2026, 4, 5), GermanHolidays.EasterSunday(2026));
        // Thursday 2 April 12:00 → 12 h on Thursday, then Tuesday 7 April 12:00.
        Assert.Equal(Local(2026, 4, 7, 12), Calendar().DueAt(Local(2026, 4, 2, 12)));
    }

    [Fact]
    public void StateHolidays_DependOnTheSet()
    {
        // Fronleichnam 2026 is Thursday 4 June (Easter + 60): a holiday in Bavaria, not in Berlin.
        var wednesdayNoon = Local(2026, 6, 3, 12);
        Assert.Equal(Local(2026, 6, 5, 12), Calendar("DE-BY").DueAt(wednesdayNoon));
        Assert.Equal(Local(2026, 6, 4, 12), Calendar("DE-BE").DueAt(wednesdayNoon));
        Assert.Equal(Local(2026, 6, 4, 12), Calendar(null).DueAt(wednesdayNoon));
    }

    [Fact]
    public void ExtraHolidays_AreSkipped()
    {
        // Christmas Eve 2026 is a Thursday; with it as company holiday, Wednesday 23 December 12:00 is due Monday 28th 12:00.
        var calendar = Calendar("DE-BY", new DateOnly(2026, 12, 24));
        Assert.Equal(Local(2026, 12, 28, 12), calendar.DueAt(Local(2026, 12, 23, 12)));
    }

    [Theory]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    public void EasterSunday_MatchesKnownDates(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), GermanHolidays.EasterSunday(year));

    [Fact]
    public void BussUndBettag_IsTheWednesdayBeforeNovember23_InSaxonyOnly()
    {
        Assert.Contains(new DateOnly(2026, 11, 18), GermanHolidays.For("DE-SN", 2026).Keys);
        Assert.DoesNotContain(new DateOnly(2026, 11, 18), GermanHolidays.For("DE-BY", 2026).Keys);
    }

    [Fact]
    public void MariaeHimmelfahrt_CountsInBavaria_AsThePackageHasIt()
    {
        // Friday 15 August 2025: Thursday 12:00 is due Monday 12:00 in Bavaria, Friday 12:00 in Berlin.
        var thursdayNoon = Local(2025, 8, 14, 12);
        Assert.Equal(Local(2025, 8, 18, 12), Calendar("DE-BY").DueAt(thursdayNoon));
        Assert.Equal(Local(2025, 8, 15, 12), Calendar("DE-BE").DueAt(thursdayNoon));
    }

    [Fact]
    public void OneOffStateHolidays_FromThePackage_AreSkipped()
    {
        // Berlin's 80th anniversary of the end of the war, Thursday 8 May 2025; not a holiday elsewhere.
        Assert.Contains(new DateOnly(2025, 5, 8), GermanHolidays.For("DE-BE", 2025).Keys);
        Assert.DoesNotContain(new DateOnly(2025, 5, 8), GermanHolidays.For("DE", 2025).Keys);
        Assert.Equal(Local(2025, 5, 9, 12), Calendar("DE-BE").DueAt(Local(2025, 5, 7, 12)));
    }

    [Theory]
    [InlineData("DE-3")]
    [InlineData("DE-ALL")]
    [InlineData("AT")]
    public void Options_HolidaySetOutsideOurCodes_FailValidation(string set)
    {
        var result = new HelpdeskOptionsValidator().Validate(null, new HelpdeskOptions { Sla = new SlaOptions { HolidaySet = set } });
        Assert.Contains("HolidaySet", result.FailureMessage);
        Assert.Throws<ArgumentException>(() => GermanHolidays.For(set, 2026));
    }

    [Theory]
    [InlineData("DE-by")]
    [InlineData("de")]
    public void HolidaySet_IsCaseInsensitive(string set) =>
        Assert.Contains(new DateOnly(2026, 10, 3), GermanHolidays.For(set, 2026).Keys);

    [Fact]
    public void WorkingDayWithDstChange_CountsRealHours()
    {
        // With every day a working day, Saturday 28 March 2026 12:00 + 24 h crosses the spring change (Sunday has 23 hours):
        // the due time is Sunday 13:00 local, exactly 24 real hours later.
        var calendar = new SlaCalendar(new SlaOptions
        {
            Hours = 24,
            TimeZone = "Europe/Berlin",
            HolidaySet = null,
            WorkingDays = [.. Enum.GetValues<DayOfWeek>()],
        });
        var start = Local(2026, 3, 28, 12);
        var due = calendar.DueAt(start);
        Assert.Equal(TimeSpan.FromHours(24), due - start);
        Assert.Equal(Local(2026, 3, 29, 13), due);
    }

    [Fact]
    public void AutumnDstChange_OverAWeekend_KeepsLocalTimes()
    {
        // Friday 23 October 2026 15:00 (CEST) → Monday 26 October 15:00 (CET): the extra hour falls on Sunday, not counted.
        var start = Local(2026, 10, 23, 15);
        var due = Calendar().DueAt(start);
        Assert.Equal(Local(2026, 10, 26, 15), due);
        Assert.Equal(TimeSpan.FromHours(73), due - start);
    }

    [Fact]
    public void Between_CountsOnlyWorkingTime()
    {
        var calendar = Calendar();
        Assert.Equal(TimeSpan.FromHours(24), calendar.Between(Local(2026, 11, 13, 15), Local(2026, 11, 16, 15)));
        Assert.Equal(TimeSpan.Zero, calendar.Between(Local(2026, 11, 14, 10), Local(2026, 11, 15, 22)));
        Assert.Equal(TimeSpan.Zero, calendar.Between(Local(2026, 11, 16, 15), Local(2026, 11, 13, 15)));
    }

    [Fact]
    public void Options_UnknownTimeZoneOrHolidaySet_FailValidation()
    {
        var validator = new HelpdeskOptionsValidator();
        Assert.True(validator.Validate(null, new HelpdeskOptions()).Succeeded);
        var zone = validator.Validate(null, new HelpdeskOptions { Sla = new SlaOptions { TimeZone = "Mars/Olympus" } });
        Assert.Contains("TimeZone", zone.FailureMessage);
        var set = validator.Validate(null, new HelpdeskOptions { Sla = new SlaOptions { HolidaySet = "DE-XX" } });
        Assert.Contains("HolidaySet", set.FailureMessage);
        var share = validator.Validate(null, new HelpdeskOptions { Sla = new SlaOptions { ReminderShare = 1.5 } });
        Assert.False(share.Succeeded);
        var mail = validator.Validate(null, new HelpdeskOptions { ReminderTo = ["not an address"] });
        Assert.Contains("ReminderTo", mail.FailureMessage);
    }

    [Fact]
    public void Calendar_FromOptions_UsesTheSlaSection()
    {
        var calendar = new SlaCalendar(Options.Create(new HelpdeskOptions { Sla = new SlaOptions { Hours = 8, HolidaySet = "DE" } }));
        Assert.Equal(Local(2026, 11, 16, 7), calendar.DueAt(Local(2026, 11, 13, 23)));
    }
}
