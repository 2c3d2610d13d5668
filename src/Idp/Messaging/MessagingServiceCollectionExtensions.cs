namespace Idp.Messaging;

public static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddIdpMessaging(this IServiceCollection services)
    {
        services.AddScoped<OutboxSender>();
        services.AddScoped<IEmailSender>(provider => provider.GetRequiredService<OutboxSender>());
        services.AddScoped<ISmsSender>(provider => provider.GetRequiredService<OutboxSender>());
        return services;
    }
}
