using Idp.Testing;

namespace Idp.UnitTests.Testing;

public sealed class FakeTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void UtcNow_StandsStill_UntilAdvanced()
    {
        var clock = new FakeTimeProvider(Start);

        var first = clock.GetUtcNow();
        Thread.Sleep(5);

        Assert.Equal(Start, first);
        Assert.Equal(Start, clock.GetUtcNow());
    }

    [Fact]
    public void Advance_MovesTheClockAndTimestamps()
    {
        var clock = new FakeTimeProvider(Start);
        var startedAt = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMinutes(90));

        Assert.Equal(Start.AddMinutes(90), clock.UtcNow);
        Assert.Equal(TimeSpan.FromMinutes(90), clock.GetElapsedTime(startedAt));
    }

    [Fact]
    public void SetUtcNow_Backwards_IsRefusedUnlessAllowed()
    {
        var clock = new FakeTimeProvider(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.UtcNow = Start.AddSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
        clock.SetUtcNow(Start.AddDays(-1), allowBackwards: true);

        Assert.Equal(Start.AddDays(-1), clock.UtcNow);
    }

    [Fact]
    public void SetUtcNow_NonUtcOffset_IsStoredAsUtc()
    {
        var clock = new FakeTimeProvider(Start);

        clock.UtcNow = new DateTimeOffset(2026, 3, 1, 15, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal(TimeSpan.Zero, clock.UtcNow.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero), clock.UtcNow);
    }

    [Fact]
    public void LocalTimeZone_DefaultsToUtc_AndCanBeSet()
    {
        var clock = new FakeTimeProvider(Start);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        Assert.Equal(TimeZoneInfo.Utc, clock.LocalTimeZone);
        clock.SetLocalTimeZone(berlin);

        Assert.Equal(new DateTime(2026, 3, 1, 13, 0, 0), clock.GetLocalNow().DateTime);
    }

    [Fact]
    public void Timer_FiresOnlyWhenTheClockPassesItsDueTime()
    {
        var clock = new FakeTimeProvider(Start);
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.UtcNow), null, TimeSpan.FromMinutes(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal([Start.AddMinutes(10)], fired);
        Assert.Equal(Start.AddMinutes(14), clock.UtcNow);
        Assert.Equal(0, clock.ActiveTimerCount);
    }

    [Fact]
    public void PeriodicTimer_FiresOncePerPeriodPassed_UntilDisposed()
    {
        var clock = new FakeTimeProvider(Start);
        var fired = 0;
        var timer = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        clock.Advance(TimeSpan.FromHours(3.5));
        Assert.Equal(3, fired);
        timer.Dispose();
        clock.Advance(TimeSpan.FromHours(3));

        Assert.Equal(3, fired);
    }

    [Fact]
    public async Task TaskDelay_WithFakeClock_CompletesWhenAdvanced()
    {
        var clock = new FakeTimeProvider(Start);

        var delay = Task.Delay(TimeSpan.FromMinutes(30), clock);
        await Task.Delay(20);
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(30));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Advance_FromManyThreads_AddsUpExactly()
    {
        var clock = new FakeTimeProvider(Start);

        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => clock.Advance(TimeSpan.FromSeconds(1)));

        Assert.Equal(Start.AddSeconds(1000), clock.UtcNow);
    }

    [Fact]
    public void StartingNow_StartsAtTheRealTimeInWholeSeconds()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var clock = FakeTimeProvider.StartingNow();

        Assert.InRange(clock.UtcNow, before, DateTimeOffset.UtcNow);
        Assert.Equal(0, clock.UtcNow.Ticks % TimeSpan.TicksPerSecond);
    }
}
