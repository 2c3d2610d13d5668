using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Idp.Operations;

/// <summary>
/// OpenTelemetry: Idp's meter, ASP.NET Core's (HTTP server, rate limiting) and traces of incoming requests, exported
/// to Prometheus (a scrape endpoint) and/or an OTLP collector. Nothing is registered while neither is configured, so
/// an installation without monitoring pays nothing.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddIdpTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!settings.MetricsExported)
            return services;

        services.AddHostedService<OperationsGaugeRefresher>();
        var otlp = string.IsNullOrEmpty(settings.Otlp.Endpoint) ? null : settings.Otlp;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("Idp"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(IdpMetrics.MeterName, "Microsoft.AspNetCore.RateLimiting");
                metrics.AddAspNetCoreInstrumentation();
                if (settings.Prometheus.Enabled)
                    metrics.AddPrometheusExporter();
                if (otlp is not null)
                    metrics.AddOtlpExporter(exporter => Configure(exporter, otlp));
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddOtlpExporter(exporter => Configure(exporter, otlp)));
        }
        return services;
    }

    /// <summary>The scrape endpoint, when enabled: only on its port (if set) and for loopback or the allowed networks; 404 for others.</summary>
    public static IApplicationBuilder UseIdpPrometheusEndpoint(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus;
        if (!settings.Enabled)
            return app;
        var allowed = settings.AllowedNetworks
            .Select(n => IPNetwork.TryParse(n, out var network) ? network : new IPNetwork(IPAddress.Parse(n), IPAddress.Parse(n).GetAddressBytes().Length * 8))
            .ToList();
        return app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: http => http.Request.Path == settings.Path
                && (settings.Port is null || http.Connection.LocalPort == settings.Port)
                && http.Connection.RemoteIpAddress is { } address
                && (IPAddress.IsLoopback(address) || allowed.Any(network => network.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address))),
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
    }

    private static void Configure(OtlpExporterOptions exporter, OtlpOptions otlp)
    {
        exporter.Endpoint = new Uri(otlp.Endpoint!);
        exporter.Protocol = otlp.Protocol == "HttpProtobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
    }
}
