using Idp.Data;
using Idp.Data.Entities;

namespace Idp.Messaging;

/// <summary>
/// Writes e-mails and SMS to the database outbox instead of sending them. A real transport can read the outbox
/// (or replace this registration); in Development the messages are shown at <c>/dev/outbox</c>.
/// </summary>
public sealed class OutboxSender(IdpDbContext db, TimeProvider clock, ILogger<OutboxSender> logger) : IEmailSender, ISmsSender
{
    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default) =>
        WriteAsync(OutboxChannel.Email, message.To, message.Subject, message.Body, cancellationToken);

    public Task SendAsync(SmsMessage message, CancellationToken cancellationToken = default) =>
        WriteAsync(OutboxChannel.Sms, message.To, "", message.Body, cancellationToken);

    private async Task WriteAsync(OutboxChannel channel, string recipient, string subject, string body, CancellationToken cancellationToken)
    {
        var row = new OutboxMessage
        {
            Channel = channel,
            Recipient = recipient,
            Subject = subject,
            Body = body,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Outbox.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        // The body holds links with tokens: log only that a message was queued.
        MessagingLog.Queued(logger, channel, row.Id);
    }
}

internal static partial class MessagingLog
{
    [LoggerMessage(EventId = 2190, Level = LogLevel.Information, Message = "{Channel} message {MessageId} written to the outbox")]
    public static partial void Queued(ILogger logger, OutboxChannel channel, long messageId);
}
