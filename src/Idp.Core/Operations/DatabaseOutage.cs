using System.Data.Common;

namespace Idp.Operations;

/// <summary>
/// A request that failed because the database could not be reached (a restart, a failover, refused connections) is
/// answered 503, not 500: the client may try again, and monitoring tells an outage from a bug. Recognised by the
/// provider's own verdict (<see cref="DbException.IsTransient"/>) or by SQLSTATE class 08 (connection exception)
/// and 57P0x (server shutting down or starting), anywhere in the exception's chain, as EF Core wraps it.
/// </summary>
public static class DatabaseOutage
{
    public static int StatusCodeFor(Exception exception) =>
        IsOutage(exception) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;

    public static bool IsOutage(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException database
                && (database.IsTransient || database.SqlState is { } state && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P0", StringComparison.Ordinal))))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="step"/>; while it fails with an outage and the next try would still start before
    /// <paramref name="deadline"/>, tells <paramref name="retrying"/> (the error and the wait), waits
    /// <paramref name="firstDelay"/>, doubled per try up to <paramref name="longestDelay"/>, and tries again. Any other
    /// error, or an outage past the deadline, is thrown.
    /// </summary>
    public static async Task RetryAsync(
        Func<CancellationToken, Task> step, TimeProvider clock, DateTimeOffset deadline, TimeSpan firstDelay, TimeSpan longestDelay,
        Action<Exception, TimeSpan> retrying, CancellationToken cancellationToken)
    {
        var delay = firstDelay;
        while (true)
        {
            try
            {
                await step(cancellationToken);
                return;
            }
            catch (Exception exception) when (IsOutage(exception) && clock.GetUtcNow() + delay < deadline && !cancellationToken.IsCancellationRequested)
            {
                retrying(exception, delay);
            }
            await Task.Delay(delay, clock, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, longestDelay.Ticks));
        }
    }
}
