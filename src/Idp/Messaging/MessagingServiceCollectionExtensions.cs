namespace Idp.Messaging;

public static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddIdpMessaging(this IServiceCollection services)
    {
        return services;
    }
}
