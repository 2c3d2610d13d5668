using System.Net;
using Microsoft.Extensions.Options;

namespace Idp.Operations;

/// <summary>The <c>Idp:Health</c> section: what the readiness check demands.</summary>
public sealed class HealthOptions
{
    public const string Section = "Idp:Health";

    /// <summary>
    /// Ready fails when the oldest e-mail waiting in the outbox (neither sent nor given up) is older than this. Unset
    /// (the default): not checked; set it with <c>Idp:Email:Mode=Smtp</c>, where the dispatcher empties the outbox.
    /// </summary>
    public TimeSpan? OutboxMaxAge { get; set; }

    /// <summary>How long one check may take before it counts as failed.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The <c>Idp:Telemetry</c> section: OpenTelemetry metrics and traces.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Idp:Telemetry";

    public PrometheusOptions Prometheus { get; set; } = new();
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>How often the database-backed gauges (open reset requests, outbox backlog) are read.</summary>
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool MetricsExported => Prometheus.Enabled || !string.IsNullOrEmpty(Otlp.Endpoint);
}

/// <summary>The Prometheus scrape endpoint: off unless enabled; answers only allowed addresses (and port).</summary>
public sealed class PrometheusOptions
{
    public bool Enabled { get; set; }
    public string Path { get; set; } = "/metrics";

    /// <summary>Only on this local port (Kestrel must listen on it too, e.g. <c>ASPNETCORE_URLS</c>); unset: any.</summary>
    public int? Port { get; set; }

    /// <summary>Scrapers allowed (IP addresses or CIDR networks); loopback is always allowed. Others get 404.</summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary>An OTLP collector for metrics and traces; unset: no OTLP export.</summary>
public sealed class OtlpOptions
{
    /// <summary>The collector, e.g. <c>http://otel-collector:4317</c> (gRPC) or with <see cref="Protocol"/> <c>HttpProtobuf</c> <c>…:4318</c>.</summary>
    public string? Endpoint { get; set; }
    public string Protocol { get; set; } = "Grpc";
}

/// <summary>The <c>Idp:RateLimits</c> section: fixed-window limits per client (token endpoint) or per remote address.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Idp:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests from loopback (the remote address after the trusted proxies) are never limited: local tools and load tests.</summary>
    public bool ExemptLoopback { get; set; } = true;

    /// <summary>The token endpoint, per client (<c>client_id</c> of the Basic header or the form; per address without one).</summary>
    public RateLimitRule Token { get; set; } = new() { PermitLimit = 12_000, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The authorization endpoint (GET, POST, resume) and pushed authorization requests, per address.</summary>
    public RateLimitRule Authorize { get; set; } = new() { PermitLimit = 1_200, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Form posts of the sign-in, factor and enrolment pages, per address.</summary>
    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The authenticator app's device API, per address.</summary>
    public RateLimitRule DeviceApi { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };
}

public sealed class RateLimitRule
{
    /// <summary>Requests allowed per partition in one window.</summary>
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}

/// <summary>Checks the operations settings at start-up; every message names the setting.</summary>
public sealed class OperationsOptionsValidator :
    IValidateOptions<HealthOptions>, IValidateOptions<TelemetryOptions>, IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var failures = new List<string>();
        if (options.OutboxMaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
            failures.Add($"{HealthOptions.Section}:OutboxMaxAge must be positive (leave it unset to skip the outbox check).");
        if (options.CheckTimeout <= TimeSpan.Zero || options.CheckTimeout > TimeSpan.FromMinutes(1))
            failures.Add($"{HealthOptions.Section}:CheckTimeout must be between 00:00:00 and 00:01:00.");
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        var prometheus = options.Prometheus;
        if (!prometheus.Path.StartsWith('/') || prometheus.Path.Length < 2 || prometheus.Path.Contains('?'))
            failures.Add($"{TelemetryOptions.Section}:Prometheus:Path must be a path such as /metrics.");
        if (prometheus.Port is < 1 or > 65535)
            failures.Add($"{TelemetryOptions.Section}:Prometheus:Port must be a TCP port (1-65535).");
        foreach (var network in prometheus.AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _) && !IPAddress.TryParse(n, out _)))
            failures.Add($"{TelemetryOptions.Section}:Prometheus:AllowedNetworks: '{network}' is neither an IP address nor a CIDR network.");
        if (!string.IsNullOrEmpty(options.Otlp.Endpoint) && !(Uri.TryCreate(options.Otlp.Endpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
            failures.Add($"{TelemetryOptions.Section}:Otlp:Endpoint must be an absolute http(s) URL.");
        if (options.Otlp.Protocol is not ("Grpc" or "HttpProtobuf"))
            failures.Add($"{TelemetryOptions.Section}:Otlp:Protocol must be Grpc or HttpProtobuf.");
        if (options.GaugeInterval < TimeSpan.FromSeconds(1))
            failures.Add($"{TelemetryOptions.Section}:GaugeInterval must be at least 00:00:01.");
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Check(options.Token, nameof(options.Token), failures);
        Check(options.Authorize, nameof(options.Authorize), failures);
        Check(options.SignIn, nameof(options.SignIn), failures);
        Check(options.DeviceApi, nameof(options.DeviceApi), failures);
        return Result(failures);
    }

    private static void Check(RateLimitRule rule, string group, List<string> failures)
    {
        if (rule.PermitLimit < 1)
            failures.Add($"{RateLimitOptions.Section}:{group}:PermitLimit must be at least 1.");
        if (rule.Window < TimeSpan.FromSeconds(1) || rule.Window > TimeSpan.FromDays(1))
            failures.Add($"{RateLimitOptions.Section}:{group}:Window must be between 00:00:01 and 1.00:00:00.");
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
