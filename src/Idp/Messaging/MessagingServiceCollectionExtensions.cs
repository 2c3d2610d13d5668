using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Messaging;

public static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddIdpMessaging(this IServiceCollection services)
    {
        services.AddScoped<OutboxSender>();
        services.AddScoped<IEmailSender>(provider => provider.GetRequiredService<OutboxSender>());
        services.AddSettings<SmsGatewayOptions>(SmsGatewayOptions.Section);
        services.AddSingleton<IValidateOptions<SmsGatewayOptions>, SmsGatewayOptionsValidator>();
        services.AddHttpClient(HttpSmsSender.ClientName);
        services.AddScoped<HttpSmsSender>();
        // SMS go through the HTTP gateway when one is configured, otherwise to the outbox.
        services.AddScoped<ISmsSender>(provider => string.IsNullOrEmpty(provider.GetRequiredService<IOptions<SmsGatewayOptions>>().Value.Url)
            ? provider.GetRequiredService<OutboxSender>()
            : provider.GetRequiredService<HttpSmsSender>());
        return services;
    }
}
