using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>Metrics and health checks: what Idp and the admin area both have.</summary>
    public static IServiceCollection AddIdpOperationsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<HealthOptions>(HealthOptions.Section);
        services.AddSettings<TelemetryOptions>(TelemetryOptions.Section);
        services.AddSettings<RateLimitOptions>(RateLimitOptions.Section);
        services.AddSingleton<IValidateOptions<HealthOptions>, OperationsOptionsValidator>();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, OperationsOptionsValidator>();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, OperationsOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<OperationsGauges>();
        services.AddSingleton<IdpMetrics>();
        services.AddIdpHealthChecks(configuration);
        return services;
    }
}
