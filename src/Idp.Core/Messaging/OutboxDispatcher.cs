using System.Linq.Expressions;
using System.Security.Cryptography;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Messaging;

/// <summary>
/// Delivers due outbox messages of every kind this node can deliver, each through its kind's
/// <see cref="IOutboxDelivery"/>. Each message is claimed before it is sent (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>
/// and the claim in one transaction; elsewhere a conditional update, SQLite having a single writer), so of several
/// nodes exactly one sends it; a failure is retried with exponential backoff and jitter
/// until the message's give-up time (<c>Idp:Email:GiveUpAfter</c> after it was written, unless the message sets a
/// shorter one), then it is marked failed.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<EmailOptions> options,
    IdpMetrics metrics,
    ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 20;
    private const int MaxErrorLength = 500;

    // One claim token per dispatcher instance (node): a stale claim of another node can never confirm this one's work.
    private readonly string _claimToken = $"{Environment.MachineName}/{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>Sends every message due now; returns how many were sent.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        var sent = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            var deliveries = scope.ServiceProvider.GetServices<IOutboxDelivery>().Where(d => d.IsEnabled).ToDictionary(d => d.Kind);
            if (deliveries.Count == 0)
                return sent;
            var kinds = deliveries.Keys.ToList();
            var claimed = 0;
            if (db is PostgresIdpDbContext)
            {
                // FOR UPDATE SKIP LOCKED: nodes never wait for each other's candidate rows.
                while (claimed < BatchSize && await ClaimNextSkipLockedAsync(db, kinds, cancellationToken) is { } id)
                {
                    claimed++;
                    if (await DeliverAsync(db, deliveries, id, cancellationToken))
                        sent++;
                }
            }
            else
            {
                var due = await db.Outbox.Where(Due(clock.GetUtcNow())).Where(m => kinds.Contains(m.Channel))
                    .OrderBy(m => m.NextAttemptAt)
                    .Select(m => m.Id)
                    .Take(BatchSize)
                    .ToListAsync(cancellationToken);
                foreach (var id in due)
                {
                    if (!await ClaimAsync(db, id, cancellationToken))
                        continue; // another node has it
                    claimed++;
                    if (await DeliverAsync(db, deliveries, id, cancellationToken))
                        sent++;
                }
            }
            if (claimed == 0)
                return sent;
        }
    }

    /// <summary>
    /// PostgreSQL: locks the next due message no other transaction has locked (<c>FOR UPDATE SKIP LOCKED</c>) and
    /// claims it in the same transaction; null when none is left. One message at a time, so a claim never waits behind
    /// the delivery of others and expires only for a node that stopped.
    /// </summary>
    private async Task<long?> ClaimNextSkipLockedAsync(IdpDbContext db, List<OutboxChannel> kinds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var kindValues = kinds.Select(k => (int)k).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = await db.Database.SqlQuery<long>($"""
            SELECT "Id" AS "Value" FROM "Outbox"
            WHERE "SentAt" IS NULL AND "FailedAt" IS NULL AND "NextAttemptAt" <= {now}
              AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {now}) AND "Channel" = ANY({kindValues})
            ORDER BY "NextAttemptAt"
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);
        if (ids.Count == 0)
            return null;
        var id = ids[0];
        var until = now + options.Value.ClaimTimeout;
        await db.Outbox.Where(m => m.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedBy, _claimToken).SetProperty(m => m.ClaimedUntil, until), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    private static Expression<Func<OutboxMessage, bool>> Due(DateTimeOffset now) => m =>
        m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now
        && (m.ClaimedUntil == null || m.ClaimedUntil <= now);

    private async Task<bool> ClaimAsync(IdpDbContext db, long id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.ClaimTimeout;
        return await db.Outbox.Where(m => m.Id == id).Where(Due(now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedBy, _claimToken).SetProperty(m => m.ClaimedUntil, until), cancellationToken) == 1;
    }

    private async Task<bool> DeliverAsync(IdpDbContext db, Dictionary<OutboxChannel, IOutboxDelivery> deliveries, long id, CancellationToken cancellationToken)
    {
        var message = await db.Outbox.AsNoTracking().FirstAsync(m => m.Id == id, cancellationToken);
        var giveUpAt = message.GiveUpAt ?? message.CreatedAt + options.Value.GiveUpAfter;
        var attempts = message.Attempts + 1;
        if (clock.GetUtcNow() > giveUpAt)
        {
            // Written long ago (e.g. while no node delivered): its links have likely expired; do not send it now.
            await FinishAsync(db, id, s => s.SetProperty(m => m.FailedAt, clock.GetUtcNow()).SetProperty(m => m.LastError, "Not delivered before its give-up time."), cancellationToken);
            metrics.MessageGivenUp(message.Channel);
            LogGaveUp(message.Channel, id, message.Attempts);
            return false;
        }
        try
        {
            await deliveries[message.Channel].DeliverAsync(message, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.MessageFailed(IdpMetrics.KindTag(message.Channel));
            var error = Describe(exception);
            var now = clock.GetUtcNow();
            if (now >= giveUpAt)
            {
                await FinishAsync(db, id, s => s.SetProperty(m => m.FailedAt, now).SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, error), cancellationToken);
                metrics.MessageGivenUp(message.Channel);
                LogGaveUp(message.Channel, id, attempts);
            }
            else
            {
                var next = now + Backoff(attempts);
                if (next > giveUpAt)
                    next = giveUpAt; // one last attempt at the deadline
                await FinishAsync(db, id, s => s.SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, error), cancellationToken);
                LogRetry(message.Channel, id, attempts, next, error);
            }
            return false;
        }
        await RecordSentAsync(db, message, attempts, cancellationToken);
        LogSent(message.Channel, id, attempts);
        return true;
    }

    /// <summary>
    /// The message has left: losing the record of it would have another node send it again once the claim lapses. A
    /// database outage while recording (a restart, a failover) is retried until shortly before the claim lapses.
    /// </summary>
    private async Task RecordSentAsync(IdpDbContext db, OutboxMessage message, int attempts, CancellationToken cancellationToken)
    {
        var deadline = (message.ClaimedUntil ?? clock.GetUtcNow()) - TimeSpan.FromSeconds(2);
        await DatabaseOutage.RetryAsync(
            token => FinishAsync(db, message.Id, s => s.SetProperty(m => m.SentAt, clock.GetUtcNow()).SetProperty(m => m.Attempts, attempts), token),
            clock, deadline, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5),
            (exception, _) => LogRecordingRetried(message.Channel, message.Id, Describe(exception)), cancellationToken);
    }

    /// <summary>Records the outcome and releases the claim; only while the claim is still this dispatcher's.</summary>
    private Task<int> FinishAsync(
        IdpDbContext db,
        long id,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<OutboxMessage>> outcome,
        CancellationToken cancellationToken) =>
        db.Outbox.Where(m => m.Id == id && m.ClaimedBy == _claimToken).ExecuteUpdateAsync(s =>
        {
            outcome(s);
            s.SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null);
        }, cancellationToken);

    /// <summary><c>RetryDelay</c> doubled per earlier failure, capped at <c>MaxRetryDelay</c>, then a random point in its upper half.</summary>
    internal TimeSpan Backoff(int failedAttempts)
    {
        var settings = options.Value;
        var exponent = Math.Min(failedAttempts - 1, 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(settings.RetryDelay.Ticks * Math.Pow(2, exponent), settings.MaxRetryDelay.Ticks));
        return delay * (0.5 + Random.Shared.NextDouble() * 0.5);
    }

    private static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().Name}: {exception.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(EventId = 2191, Level = LogLevel.Information, Message = "{Kind} message {MessageId} sent (attempt {Attempt})")]
    private partial void LogSent(OutboxChannel kind, long messageId, int attempt);

    [LoggerMessage(EventId = 2192, Level = LogLevel.Warning, Message = "{Kind} message {MessageId} not delivered (attempt {Attempt}), next attempt at {NextAttemptAt}: {Error}")]
    private partial void LogRetry(OutboxChannel kind, long messageId, int attempt, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(EventId = 2197, Level = LogLevel.Warning, Message = "{Kind} message {MessageId} was sent, but recording it failed; trying again: {Error}")]
    private partial void LogRecordingRetried(OutboxChannel kind, long messageId, string error);

    [LoggerMessage(EventId = 2193, Level = LogLevel.Error, Message = "{Kind} message {MessageId} given up after {Attempts} attempt(s) and marked failed")]
    private partial void LogGaveUp(OutboxChannel kind, long messageId, int attempts);
}
