using Idp.Configuration;
using Idp.Data.Entities;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Idp.Messaging;

/// <summary>Hands one outbox e-mail to a mail server; throws when the server does not take it.</summary>
public interface IEmailTransport
{
    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>SMTP with MailKit: one connection per message (messages are few; a pooled connection would need liveness checks).</summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options, IOptions<IdpOptions> idp) : IEmailTransport
{
    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var mail = new MimeMessage
        {
            Subject = message.Subject,
            Body = new TextPart("plain") { Text = message.Body },
            // Stable per outbox row: if a crashed node's claim expires and the message goes out twice, mail systems can
            // recognise the copy.
            MessageId = $"outbox-{message.Id}-{message.CreatedAt.UtcTicks}@{IssuerHost()}",
            Date = message.CreatedAt,
        };
        mail.From.Add(new MailboxAddress(smtp.From.Name ?? "", smtp.From.Address!));
        mail.To.Add(MailboxAddress.Parse(message.Recipient));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        var security = smtp.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(smtp.Host!, smtp.EffectivePort, security, timeout.Token);
        if (!string.IsNullOrEmpty(smtp.UserName))
            await client.AuthenticateAsync(smtp.UserName, smtp.Password!, timeout.Token);
        await client.SendAsync(mail, timeout.Token);
        await client.DisconnectAsync(quit: true, timeout.Token);
    }

    private string IssuerHost() => Uri.TryCreate(idp.Value.Issuer, UriKind.Absolute, out var issuer) ? issuer.Host : "idp";
}
