using Idp.Data;
using Microsoft.EntityFrameworkCore;

namespace Idp.Messaging;

public readonly record struct OutboxBacklogSnapshot(long Count, DateTimeOffset? Oldest);

/// <summary>
/// What waits in the outbox: the one definition of "unsent" for the readiness check and the backlog gauge. The outbox
/// is a hand-off table: a relay delivers its rows and removes them, so every row still there is unsent.
/// </summary>
public static class OutboxBacklog
{
    public static async Task<OutboxBacklogSnapshot> ReadAsync(IdpDbContext db, CancellationToken cancellationToken)
    {
        var count = await db.Outbox.LongCountAsync(cancellationToken);
        if (count == 0)
            return new(0, null);
        var oldest = await db.Outbox.OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return new(count, oldest);
    }
}
