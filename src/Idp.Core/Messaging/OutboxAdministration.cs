using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Messaging;

/// <summary>A failed outbox message as the admin area lists it: never the body or payload, the recipient masked.</summary>
public sealed record FailedOutboxMessage(long Id, OutboxChannel Kind, string Recipient, DateTimeOffset CreatedAt, DateTimeOffset FailedAt, int Attempts, string? LastError);

/// <summary>What the admin area reads and does in the outbox: the backlog per kind, the failed messages, re-queueing one.</summary>
public static class OutboxAdministration
{
    public const int FailedListLength = 200;

    /// <summary>Messages neither sent nor given up, per kind.</summary>
    public static async Task<IReadOnlyDictionary<OutboxChannel, long>> BacklogAsync(IdpDbContext db, CancellationToken cancellationToken) =>
        (await OutboxBacklog.ReadByKindAsync(db, cancellationToken)).Waiting;

    /// <summary>The newest failed messages, newest first.</summary>
    public static async Task<IReadOnlyList<FailedOutboxMessage>> FailedAsync(IdpDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Outbox.AsNoTracking().Where(m => m.FailedAt != null)
            .OrderByDescending(m => m.Id).Take(FailedListLength)
            .Select(m => new { m.Id, m.Channel, m.Recipient, m.CreatedAt, m.FailedAt, m.Attempts, m.LastError })
            .ToListAsync(cancellationToken);
        return rows.Select(m => new FailedOutboxMessage(m.Id, m.Channel, MaskRecipient(m.Channel, m.Recipient), m.CreatedAt, m.FailedAt!.Value, m.Attempts, m.LastError)).ToList();
    }

    /// <summary>
    /// Puts a failed message back in the queue: due now, its attempts counted afresh, given up <paramref name="giveUpAfter"/>
    /// from now. The caller's <c>SaveChanges</c> writes it (with its audit event); false when the message is not failed.
    /// </summary>
    public static async Task<OutboxMessage?> RequeueAsync(IdpDbContext db, long id, DateTimeOffset now, TimeSpan giveUpAfter, CancellationToken cancellationToken)
    {
        var message = await db.Outbox.FirstOrDefaultAsync(m => m.Id == id && m.FailedAt != null, cancellationToken);
        if (message is null)
            return null;
        message.FailedAt = null;
        message.Attempts = 0;
        message.NextAttemptAt = now;
        message.GiveUpAt = now + giveUpAfter;
        message.ClaimedBy = null;
        message.ClaimedUntil = null;
        return message;
    }

    /// <summary>"an•••@example.test", "+49 ••• ••• 12", a user id's first characters; a client id as it is (not personal).</summary>
    public static string MaskRecipient(OutboxChannel kind, string recipient) => kind switch
    {
        OutboxChannel.Email => MaskEmail(recipient),
        OutboxChannel.Sms => Factors.Push.PushApprovals.MaskPhone(recipient),
        OutboxChannel.BackChannelLogout => recipient,
        _ => recipient.Length <= 4 ? "•••" : recipient[..4] + "•••",
    };

    private static string MaskEmail(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0)
            return "•••";
        var local = address[..at];
        return (local.Length <= 2 ? local[..1] : local[..2]) + "•••" + address[at..];
    }
}
