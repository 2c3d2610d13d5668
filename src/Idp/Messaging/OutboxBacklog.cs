using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Messaging;

/// <summary>What waits in the outbox: <paramref name="Count"/> e-mails neither sent nor given up, the oldest written at <paramref name="Oldest"/>; <paramref name="Failed"/> given up.</summary>
public readonly record struct OutboxBacklogSnapshot(long Count, DateTimeOffset? Oldest, long Failed = 0);

/// <summary>
/// The one definition of "unsent" for the readiness check and the backlog gauge: an e-mail without
/// <see cref="OutboxMessage.SentAt"/> or <see cref="OutboxMessage.FailedAt"/>. SMS in the outbox (no gateway
/// configured) are not counted: nothing delivers them from there.
/// </summary>
public static class OutboxBacklog
{
    public static async Task<OutboxBacklogSnapshot> ReadAsync(IdpDbContext db, CancellationToken cancellationToken)
    {
        var emails = db.Outbox.Where(m => m.Channel == OutboxChannel.Email);
        var failed = await emails.LongCountAsync(m => m.FailedAt != null, cancellationToken);
        var pending = emails.Where(m => m.SentAt == null && m.FailedAt == null);
        var count = await pending.LongCountAsync(cancellationToken);
        if (count == 0)
            return new(0, null, failed);
        var oldest = await pending.OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return new(count, oldest, failed);
    }
}
