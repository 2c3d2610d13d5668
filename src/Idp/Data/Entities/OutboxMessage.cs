namespace Idp.Data.Entities;

public enum OutboxChannel
{
    Email = 1,
    Sms = 2,
}

/// <summary>
/// An e-mail or SMS, written in the same transaction as the change that causes it. E-mails are delivered from here by
/// the outbox dispatcher (<c>Messaging/OutboxDispatcher</c>) when <c>Idp:Email:Mode</c> is <c>Smtp</c>; the row stays
/// as the record of what was sent (<see cref="SentAt"/>) or given up (<see cref="FailedAt"/>).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public OutboxChannel Channel { get; set; }
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the next delivery attempt is due; the creation time at first, later pushed out by the backoff.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Delivery attempts made (failed ones, plus the one that succeeded).</summary>
    public int Attempts { get; set; }

    /// <summary>The dispatcher that is delivering the message now, until <see cref="ClaimedUntil"/>; another node leaves it alone meanwhile.</summary>
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>Handed to the mail server: never sent again.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Given up after <c>Idp:Email:GiveUpAfter</c>: never tried again.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>Why the last attempt failed (exception type and the server's reply; never the message itself).</summary>
    public string? LastError { get; set; }
}
