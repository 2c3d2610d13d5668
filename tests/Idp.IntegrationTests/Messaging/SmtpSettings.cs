using Idp.IntegrationTests.Infrastructure;
using Idp.Messaging;
using Microsoft.Extensions.Hosting;

namespace Idp.IntegrationTests.Messaging;

internal static class SmtpSettings
{
    public const string From = "no-reply@idp.example";

    /// <summary>Delivers e-mail over plain SMTP to <paramref name="sink"/>.</summary>
    public static IdpFactory WithSmtp(this IdpFactory factory, SmtpSink sink) => factory
        .WithSetting("Idp:Email:Mode", "Smtp")
        .WithSetting("Idp:Email:Smtp:Host", "127.0.0.1")
        .WithSetting("Idp:Email:Smtp:Port", sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithSetting("Idp:Email:Smtp:Security", "None")
        .WithSetting("Idp:Email:Smtp:Timeout", "00:00:05")
        .WithSetting("Idp:Email:Smtp:From:Address", From)
        .WithSetting("Idp:Email:Smtp:From:Name", "Idp");

    /// <summary>No background loop: the test runs <see cref="OutboxDispatcher.DispatchDueAsync"/> itself, step by step.</summary>
    public static IdpFactory WithoutBackgroundDispatcher(this IdpFactory factory) => factory.WithServices(services =>
        services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(OutboxDispatcherService))));

    public static Task<int> DispatchAsync(this IdpFactory factory) =>
        factory.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

    public static Task SendMailAsync(this IdpFactory factory, string to, string subject = "Hello", string body = "A message.") =>
        factory.WithScopeAsync(services => services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage(to, subject, body)));
}
