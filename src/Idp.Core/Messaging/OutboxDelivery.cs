using Idp.Data.Entities;
using Microsoft.Extensions.Options;

namespace Idp.Messaging;

/// <summary>
/// Delivers the outbox messages of one <see cref="Kind"/>: throws when the receiver did not take the message (the
/// dispatcher then retries with backoff), returns when it did. Resolved per dispatcher round (scoped).
/// </summary>
public interface IOutboxDelivery
{
    OutboxChannel Kind { get; }

    /// <summary>False while this node cannot deliver the kind (no mail server, no SMS gateway): its messages stay in the outbox.</summary>
    bool IsEnabled { get; }

    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>E-mail over SMTP, while <c>Idp:Email:Mode</c> is <c>Smtp</c>.</summary>
public sealed class EmailOutboxDelivery(IEmailTransport transport, IOptions<EmailOptions> options) : IOutboxDelivery
{
    public OutboxChannel Kind => OutboxChannel.Email;
    public bool IsEnabled => options.Value.Mode == EmailMode.Smtp;
    public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken) => transport.DeliverAsync(message, cancellationToken);
}

/// <summary>SMS through the HTTP gateway, while <c>Idp:Sms:Gateway:Url</c> is set.</summary>
public sealed class SmsOutboxDelivery(HttpSmsSender gateway, IOptions<SmsGatewayOptions> options) : IOutboxDelivery
{
    public OutboxChannel Kind => OutboxChannel.Sms;
    public bool IsEnabled => !string.IsNullOrEmpty(options.Value.Url);
    public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        gateway.SendAsync(new SmsMessage(message.Recipient, message.Body), cancellationToken);
}
