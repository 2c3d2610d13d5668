using Idp.Data;
using Idp.Helpdesk;
using Idp.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Operations;

/// <summary>
/// The database-backed gauge values, refreshed every <c>Idp:Telemetry:GaugeInterval</c> so a scrape never waits for
/// the database. Every node reports the same values (they describe the shared database): aggregate with <c>max</c>.
/// </summary>
public sealed class OperationsGauges
{
    public long OpenResetRequests { get; private set; }
    public long OutboxBacklog { get; private set; }
    public double OutboxOldestAgeSeconds { get; private set; }

    /// <summary>Messages neither sent nor given up, per kind (SMS included).</summary>
    public IReadOnlyDictionary<Data.Entities.OutboxChannel, long> OutboxWaitingByKind { get; private set; } = new Dictionary<Data.Entities.OutboxChannel, long>();

    /// <summary>Messages given up, per kind.</summary>
    public IReadOnlyDictionary<Data.Entities.OutboxChannel, long> OutboxFailedByKind { get; private set; } = new Dictionary<Data.Entities.OutboxChannel, long>();

    internal void Update(long openResetRequests, OutboxBacklogSnapshot outbox, OutboxKindCounts byKind, DateTimeOffset now)
    {
        OpenResetRequests = openResetRequests;
        OutboxWaitingByKind = byKind.Waiting;
        OutboxFailedByKind = byKind.Failed;
        OutboxBacklog = outbox.Count;
        OutboxOldestAgeSeconds = outbox.Oldest is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0;
    }
}

/// <summary>Refreshes <see cref="OperationsGauges"/>; registered only when metrics are exported.</summary>
internal sealed partial class OperationsGaugeRefresher(
    IServiceScopeFactory scopes,
    OperationsGauges gauges,
    TimeProvider clock,
    IOptions<TelemetryOptions> options,
    ILogger<OperationsGaugeRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.GaugeInterval, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
                var open = await db.Set<ResetRequest>().LongCountAsync(r => r.State == ResetRequestState.Open, stoppingToken);
                var outbox = await OutboxBacklog.ReadAsync(db, stoppingToken);
                var byKind = await OutboxBacklog.ReadByKindAsync(db, stoppingToken);
                gauges.Update(open, outbox, byKind, clock.GetUtcNow());
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRefreshFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5090, Level = LogLevel.Warning, Message = "Refreshing the operations gauges failed; the last values stay")]
    private partial void LogRefreshFailed(Exception exception);
}
