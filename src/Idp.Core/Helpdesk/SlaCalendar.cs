using Microsoft.Extensions.Options;

namespace Idp.Helpdesk;

/// <summary>
/// A clock that runs only on working days: whole local days (midnight to midnight in the helpdesk's time zone) that are
/// working weekdays and not holidays. Time is real elapsed time, so a working day with a DST change counts 23 or 25 hours.
/// A request in on Friday 15:00 is due on Monday 15:00; one in on Saturday 10:00 on Tuesday 00:00.
/// </summary>
public sealed class SlaCalendar
{
    private readonly SlaOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly HashSet<DateOnly> _extra;
    private readonly Dictionary<int, IReadOnlyDictionary<DateOnly, string>> _holidays = [];
    private readonly Lock _lock = new();

    public SlaCalendar(IOptions<HelpdeskOptions> options)
        : this(options.Value.Sla)
    {
    }

    public SlaCalendar(SlaOptions options)
    {
        _options = options;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        _workingDays = [.. options.EffectiveWorkingDays];
        _extra = [.. options.ExtraHolidays];
    }

    public TimeSpan Duration => TimeSpan.FromHours(_options.Hours);

    public TimeZoneInfo TimeZone => _zone;

    /// <summary>When a request submitted at <paramref name="submittedAt"/> is due.</summary>
    public DateTimeOffset DueAt(DateTimeOffset submittedAt) => Add(submittedAt, Duration);

    /// <summary>When the helpdesk is reminded (the reminder share of the SLA time).</summary>
    public DateTimeOffset RemindAt(DateTimeOffset submittedAt) => Add(submittedAt, Duration * _options.ReminderShare);

    public bool IsWorkingDay(DateOnly date)
    {
        if (!_workingDays.Contains(date.DayOfWeek) || _extra.Contains(date))
            return false;
        if (string.IsNullOrEmpty(_options.HolidaySet))
            return true;
        IReadOnlyDictionary<DateOnly, string> holidays;
        lock (_lock)
        {
            if (!_holidays.TryGetValue(date.Year, out holidays!))
                _holidays[date.Year] = holidays = GermanHolidays.For(_options.HolidaySet, date.Year);
        }
        return !holidays.ContainsKey(date);
    }

    /// <summary>The instant <paramref name="workingTime"/> of working-day time after <paramref name="start"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan workingTime)
    {
        var remaining = workingTime;
        var cursor = start.ToUniversalTime();
        var date = LocalDate(cursor);
        for (var guard = 0; guard < 3660; guard++, date = date.AddDays(1))
        {
            if (!IsWorkingDay(date))
                continue;
            var (dayStart, dayEnd) = DayBounds(date);
            var from = cursor > dayStart ? cursor : dayStart;
            if (from >= dayEnd)
                continue;
            var available = dayEnd - from;
            if (remaining <= available)
                return from + remaining;
            remaining -= available;
        }
        throw new InvalidOperationException("The SLA calendar has no working day within ten years.");
    }

    /// <summary>Working-day time between two instants (zero when <paramref name="to"/> is not later).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
            return TimeSpan.Zero;
        var total = TimeSpan.Zero;
        var end = LocalDate(to);
        for (var date = LocalDate(from); date <= end; date = date.AddDays(1))
        {
            if (!IsWorkingDay(date))
                continue;
            var (dayStart, dayEnd) = DayBounds(date);
            var a = from > dayStart ? from : dayStart;
            var b = to < dayEnd ? to : dayEnd;
            if (b > a)
                total += b - a;
        }
        return total;
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    /// <summary>The UTC instants of local midnight starting and ending <paramref name="date"/>.</summary>
    private (DateTimeOffset Start, DateTimeOffset End) DayBounds(DateOnly date) => (LocalMidnight(date), LocalMidnight(date.AddDays(1)));

    private DateTimeOffset LocalMidnight(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight skipped by a DST change (some zones switch at 00:00): the day starts at the first valid instant.
        while (_zone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
