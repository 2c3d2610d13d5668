using Idp.Data.Entities;

namespace Idp.Factors;

/// <summary>
/// NIST SP 800-63B §5.2.2 rate limiting per authenticator: after <see cref="FreeAttempts"/> consecutive failures
/// each further attempt waits twice as long as the one before (capped); after <see cref="LockAfter"/> the factor
/// is locked.
/// </summary>
public static class FactorThrottle
{
    public const int FreeAttempts = 5;
    public const int LockAfter = 100;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>The wait after <paramref name="failures"/> consecutive failures (zero below the free attempts).</summary>
    public static TimeSpan DelayAfter(int failures)
    {
        if (failures < FreeAttempts)
            return TimeSpan.Zero;
        var exponent = Math.Min(failures - FreeAttempts, 20);
        var ticks = FirstDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public static bool IsLocked(UserFactor factor) => factor.LockedAt is not null;

    public static bool MustWait(UserFactor factor, DateTimeOffset now) => factor.NextAttemptAt is { } next && next > now;
}
