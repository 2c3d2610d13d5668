namespace Idp.Data.Entities;

/// <summary>What an outbox message is, and so which delivery sends it (persisted values: never renumber).</summary>
public enum OutboxChannel
{
    Email = 1,
    Sms = 2,

    /// <summary>An OpenID Connect back-channel logout to one client; the logout token is minted at send time.</summary>
    BackChannelLogout = 3,

    /// <summary>A Web Push wake-up of a user's devices for a push approval request.</summary>
    WebPush = 4,
}

/// <summary>
/// A message Idp sends (e-mail, SMS, back-channel logout, Web Push), written in the same transaction as the change
/// that causes it and delivered by the outbox dispatcher (<c>Messaging/OutboxDispatcher</c>) through the delivery of
/// its <see cref="Channel"/>; the row stays as the record of what was sent (<see cref="SentAt"/>) or given up
/// (<see cref="FailedAt"/>).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public OutboxChannel Channel { get; set; }
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>The kind-specific data as JSON (back-channel logout: subject, session, client; Web Push: the request); null for e-mail and SMS.</summary>
    public string? Payload { get; set; }
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

    /// <summary>When to give up; null: <see cref="CreatedAt"/> + <c>Idp:Email:GiveUpAfter</c>. Set shorter where a late message is useless (a push approval's lifetime).</summary>
    public DateTimeOffset? GiveUpAt { get; set; }

    /// <summary>Given up (see <see cref="GiveUpAt"/>): never tried again, unless an administrator re-queues it.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>Why the last attempt failed (exception type and the server's reply; never the message itself).</summary>
    public string? LastError { get; set; }
}
