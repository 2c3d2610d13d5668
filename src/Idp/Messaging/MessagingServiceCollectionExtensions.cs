using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Messaging;

public static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddIdpMessaging(this IServiceCollection services)
    {
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<OutboxSender>();
        services.AddScoped<IEmailSender>(provider => provider.GetRequiredService<OutboxSender>());
        services.AddSettings<SmsGatewayOptions>(SmsGatewayOptions.Section);
        // Known to every app on the database (the admin area may share Idp's configuration); bound where mail is sent.
        services.AddKnownSettings(EmailOptions.Section, typeof(EmailOptions));
        services.AddSingleton<IValidateOptions<SmsGatewayOptions>, SmsGatewayOptionsValidator>();
        services.AddHttpClient(HttpSmsSender.ClientName);
        services.AddScoped<HttpSmsSender>();
        // SMS go through the HTTP gateway when one is configured, otherwise to the outbox.
        services.AddScoped<ISmsSender>(provider => string.IsNullOrEmpty(provider.GetRequiredService<IOptions<SmsGatewayOptions>>().Value.Url)
            ? provider.GetRequiredService<OutboxSender>()
            : provider.GetRequiredService<HttpSmsSender>());
        return services;
    }

    /// <summary>E-mail delivery from the outbox (<c>Idp:Email</c>): on Idp's nodes only; other apps on the database just write to the outbox.</summary>
    public static IServiceCollection AddIdpEmailDelivery(this IServiceCollection services)
    {
        services.AddSettings<EmailOptions>(EmailOptions.Section);
        services.AddSingleton<IPostConfigureOptions<EmailOptions>, EmailOptionsDefaults>();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService<OutboxDispatcherService>();
        return services;
    }
}
