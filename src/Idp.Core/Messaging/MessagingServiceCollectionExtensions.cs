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
        // SMS go to the outbox; Idp's dispatcher hands them to the HTTP gateway when one is configured.
        services.AddScoped<ISmsSender>(provider => provider.GetRequiredService<OutboxSender>());
        return services;
    }

    /// <summary>
    /// Delivery from the outbox (e-mail per <c>Idp:Email</c>, SMS through the gateway; other kinds add their
    /// <see cref="IOutboxDelivery"/> where they live): on Idp's nodes only; other apps on the database just write to the outbox.
    /// </summary>
    public static IServiceCollection AddIdpEmailDelivery(this IServiceCollection services)
    {
        services.AddScoped<IOutboxDelivery, EmailOutboxDelivery>();
        services.AddScoped<IOutboxDelivery, SmsOutboxDelivery>();
        services.AddSettings<EmailOptions>(EmailOptions.Section);
        services.AddSingleton<IPostConfigureOptions<EmailOptions>, EmailOptionsDefaults>();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService<OutboxDispatcherService>();
        return services;
    }
}
