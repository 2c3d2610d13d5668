namespace Idp.Operations;

public static class HostOperationsServiceCollectionExtensions
{
    /// <summary>Idp's own: telemetry export and the rate limits.</summary>
    public static IServiceCollection AddIdpOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdpTelemetry(configuration);
        services.AddIdpRateLimits();
        return services;
    }
}
