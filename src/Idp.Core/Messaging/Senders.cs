namespace Idp.Messaging;

public sealed record EmailMessage(string To, string Subject, string Body);

public sealed record SmsMessage(string To, string Body);

/// <summary>Sends e-mail. The default writes to the database outbox, shown at <c>/dev/outbox</c> in Development.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Sends SMS. The default writes to the database outbox.</summary>
public interface ISmsSender
{
    Task SendAsync(SmsMessage message, CancellationToken cancellationToken = default);
}
