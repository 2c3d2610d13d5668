using Microsoft.Extensions.Options;

namespace Idp.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>Metrics and health checks: what Idp and the admin area both have.</summary>
    public static IServiceCollection AddIdpOperationsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, OperationsOptionsValidator>();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, OperationsOptionsValidator>();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, OperationsOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<OperationsGauges>();
        services.AddSingleton<IdpMetrics>();
        services.AddIdpHealthChecks(configuration);
        return services;
    }

    /// <summary>Idp's own: telemetry export and the rate limits.</summary>
    public static IServiceCollection AddIdpOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdpTelemetry(configuration);
        services.AddIdpRateLimits();
        return services;
    }
}
