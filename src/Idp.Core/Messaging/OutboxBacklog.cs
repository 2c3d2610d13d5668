using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Messaging;

/// <summary>What waits in the outbox: <paramref name="Count"/> messages neither sent nor given up, the oldest written at <paramref name="Oldest"/>; <paramref name="Failed"/> given up.</summary>
public readonly record struct OutboxBacklogSnapshot(long Count, DateTimeOffset? Oldest, long Failed = 0);

/// <summary>Messages neither sent nor given up (<paramref name="Waiting"/>) and given up (<paramref name="Failed"/>), per kind; kinds without any are absent.</summary>
public sealed record OutboxKindCounts(IReadOnlyDictionary<OutboxChannel, long> Waiting, IReadOnlyDictionary<OutboxChannel, long> Failed);

/// <summary>
/// The one definition of "unsent" for the readiness check and the backlog gauge: an e-mail, back-channel logout or
/// Web Push without <see cref="OutboxMessage.SentAt"/> or <see cref="OutboxMessage.FailedAt"/>. SMS are not counted:
/// without a gateway (Development, tests) nothing delivers them from there.
/// </summary>
public static class OutboxBacklog
{
    public static async Task<OutboxBacklogSnapshot> ReadAsync(IdpDbContext db, CancellationToken cancellationToken)
    {
        var counted = db.Outbox.Where(m => m.Channel != OutboxChannel.Sms);
        var failed = await counted.LongCountAsync(m => m.FailedAt != null, cancellationToken);
        var pending = counted.Where(m => m.SentAt == null && m.FailedAt == null);
        var count = await pending.LongCountAsync(cancellationToken);
        if (count == 0)
            return new(0, null, failed);
        var oldest = await pending.OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return new(count, oldest, failed);
    }

    /// <summary>Waiting and failed messages per kind, for the per-kind gauges and the admin area.</summary>
    public static async Task<OutboxKindCounts> ReadByKindAsync(IdpDbContext db, CancellationToken cancellationToken)
    {
        var waiting = await db.Outbox.Where(m => m.SentAt == null && m.FailedAt == null)
            .GroupBy(m => m.Channel).Select(g => new { Kind = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(c => c.Kind, c => c.Count, cancellationToken);
        var failed = await db.Outbox.Where(m => m.FailedAt != null)
            .GroupBy(m => m.Channel).Select(g => new { Kind = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(c => c.Kind, c => c.Count, cancellationToken);
        return new(waiting, failed);
    }
}
