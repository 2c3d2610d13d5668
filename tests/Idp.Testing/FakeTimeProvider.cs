namespace Idp.Testing;

/// <summary>
/// A clock that only moves when a test moves it. Thread-safe. Timers created through it
/// (<see cref="TimeProvider.CreateTimer"/>, and so <c>Task.Delay(…, timeProvider)</c> and <c>PeriodicTimer</c>)
/// fire when the clock is moved past their due time, on the thread that moves the clock.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    /// <summary>The default start: a fixed instant, so unit tests are repeatable.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private TimeZoneInfo _localTimeZone = TimeZoneInfo.Utc;

    public FakeTimeProvider() : this(DefaultStart)
    {
    }

    public FakeTimeProvider(DateTimeOffset start)
    {
        _now = start.ToUniversalTime();
    }

    /// <summary>A clock starting at the real current time, truncated to whole seconds.</summary>
    public static FakeTimeProvider StartingNow()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    /// <summary>The current time; setting it may only move the clock forward (see <see cref="SetUtcNow"/>).</summary>
    public DateTimeOffset UtcNow
    {
        get => GetUtcNow();
        set => SetUtcNow(value);
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public override TimeZoneInfo LocalTimeZone
    {
        get
        {
            lock (_lock)
                return _localTimeZone;
        }
    }

    public void SetLocalTimeZone(TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        lock (_lock)
            _localTimeZone = timeZone;
    }

    /// <summary>Ticks of the fake clock, so elapsed-time measurements follow it too.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward by <paramref name="delta"/> and fires the timers that fall due.</summary>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The fake clock does not go backwards; use SetUtcNow(…, allowBackwards: true).");
        DateTimeOffset target;
        lock (_lock)
            target = _now + delta;
        MoveTo(target);
    }

    /// <summary>
    /// Sets the clock. Going backwards is refused unless <paramref name="allowBackwards"/> is set (then no timer fires).
    /// </summary>
    public void SetUtcNow(DateTimeOffset value, bool allowBackwards = false)
    {
        value = value.ToUniversalTime();
        lock (_lock)
        {
            if (value < _now)
            {
                if (!allowBackwards)
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"The fake clock is at {_now:O}; it does not go backwards unless allowBackwards is set.");
                _now = value;
                return;
            }
        }
        MoveTo(value);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Timers that are scheduled to fire (for tests of the tests).</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_lock)
                return _timers.Count;
        }
    }

    /// <summary>Moves in steps from one due timer to the next, so periodic timers fire once per period.</summary>
    private void MoveTo(DateTimeOffset target)
    {
        while (true)
        {
            FakeTimer? due;
            lock (_lock)
            {
                due = null;
                foreach (var timer in _timers)
                {
                    if (timer.DueAt <= target && (due is null || timer.DueAt < due.DueAt))
                        due = timer;
                }
                if (due is null)
                {
                    if (target > _now)
                        _now = target;
                    return;
                }
                if (due.DueAt > _now)
                    _now = due.DueAt;
                if (due.Period is { } period)
                    due.DueAt = _now + period;
                else
                    _timers.Remove(due);
            }
            due.Fire();
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset DueAt { get; set; }
        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(dueTime));
            if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(period));

            var fireNow = false;
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                    return true;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
                DueAt = owner._now + dueTime;
                if (dueTime == TimeSpan.Zero)
                {
                    fireNow = true;
                    if (Period is { } p)
                    {
                        DueAt = owner._now + p;
                        owner._timers.Add(this);
                    }
                }
                else
                {
                    owner._timers.Add(this);
                }
            }
            if (fireNow)
                ThreadPool.UnsafeQueueUserWorkItem(_ => Fire(), null); // like a real timer: never on the caller's stack
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
                owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
