using Idp.Operations;

namespace Idp.Data;

/// <summary>
/// Start-up's database work (migrations, configured clients, signing keys) tried again while the database is
/// briefly unreachable: a node that starts while its database server restarts (a failover, an upgrade) waits for it
/// instead of exiting. Only an outage (<see cref="DatabaseOutage.IsOutage"/>: a broken or refused connection, a server
/// shutting down or starting) is tried again, for at most <see cref="Patience"/>; every step is idempotent and runs on
/// a new scope, so nothing half-done carries over.
/// </summary>
public static partial class StartupRetry
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static Task RunAsync(Func<CancellationToken, Task> step, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        var attempt = 0;
        return DatabaseOutage.RetryAsync(step, clock, clock.GetUtcNow() + Patience, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(8),
            (exception, delay) => Log.DatabaseUnavailable(logger, ++attempt, delay.TotalSeconds, exception.GetBaseException().Message), cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1124, Level = LogLevel.Warning, Message = "Start-up could not reach the database (attempt {Attempt}: {Reason}); trying again in {DelaySeconds} s")]
        public static partial void DatabaseUnavailable(ILogger logger, int attempt, double delaySeconds, string reason);
    }
}
