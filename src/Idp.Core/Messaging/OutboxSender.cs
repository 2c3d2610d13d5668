using Idp.Data;
using Idp.Data.Entities;

namespace Idp.Messaging;

/// <summary>
/// Writes e-mails and SMS to the database outbox, in the caller's transaction when it has one (so a message exists
/// exactly when the change that caused it was committed). The outbox dispatcher delivers the e-mails over SMTP
/// (<c>Idp:Email:Mode=Smtp</c>) and the SMS through the HTTP gateway (<c>Idp:Sms:Gateway:Url</c>); in Development
/// the messages are shown at <c>/dev/outbox</c>.
/// </summary>
public sealed class OutboxSender(IdpDbContext db, TimeProvider clock, OutboxSignal signal, ILogger<OutboxSender> logger) : IEmailSender, ISmsSender
{
    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default) =>
        WriteAsync(OutboxChannel.Email, message.To, message.Subject, message.Body, cancellationToken);

    public Task SendAsync(SmsMessage message, CancellationToken cancellationToken = default) =>
        WriteAsync(OutboxChannel.Sms, message.To, "", message.Body, cancellationToken);

    private async Task WriteAsync(OutboxChannel channel, string recipient, string subject, string body, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = new OutboxMessage
        {
            Channel = channel,
            Recipient = recipient,
            Subject = subject,
            Body = body,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Outbox.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        // The body holds links with tokens: log only that a message was queued.
        MessagingLog.Queued(logger, channel, row.Id);
    }
}

internal static partial class MessagingLog
{
    [LoggerMessage(EventId = 2190, Level = LogLevel.Information, Message = "{Channel} message {MessageId} written to the outbox")]
    public static partial void Queued(ILogger logger, OutboxChannel channel, long messageId);
}
