using System.Data.Common;

namespace Idp.Data;

/// <summary>
/// Start-up's database work (migrations, configured clients, signing keys) tried again while the database is
/// briefly unreachable: a node that starts while its database server restarts (a failover, an upgrade) waits for it
/// instead of exiting. Only transient errors (<see cref="DbException.IsTransient"/> anywhere in the chain: a broken or
/// refused connection, a server shutting down) are retried, for at most <see cref="Patience"/>; every step is
/// idempotent and runs on a new scope, so nothing half-done carries over.
/// </summary>
public static partial class StartupRetry
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(8);

    public static async Task RunAsync(Func<CancellationToken, Task> step, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step(cancellationToken);
                return;
            }
            catch (Exception exception) when (IsTransient(exception) && clock.GetElapsedTime(started) + delay < Patience)
            {
                Log.DatabaseUnavailable(logger, attempt, delay.TotalSeconds, exception.GetBaseException().Message);
            }
            await Task.Delay(delay, clock, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
        }
    }

    internal static bool IsTransient(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DbException { IsTransient: true })
                return true;
        }
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1124, Level = LogLevel.Warning, Message = "Start-up could not reach the database (attempt {Attempt}: {Reason}); trying again in {DelaySeconds} s")]
        public static partial void DatabaseUnavailable(ILogger logger, int attempt, double delaySeconds, string reason);
    }
}
