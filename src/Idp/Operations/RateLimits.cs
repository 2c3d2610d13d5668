using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Idp.Factors.Push;
using Idp.Protocol;
using Idp.Protocol.Clients;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Idp.Operations;

/// <summary>
/// ASP.NET Core's rate limiter as one global, fixed-window limiter whose partition is chosen per request: the token
/// endpoint per client, the authorization endpoint (and PAR), the sign-in and factor form posts and the device API per
/// remote address, the address being the one after the trusted proxies (<c>Idp:TrustedProxies</c>). Everything else
/// is not limited. A refused request gets 429 with <c>Retry-After</c> in seconds: problem details for APIs and protocol
/// clients, the error page for browsers.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddIdpRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            var settings = limits.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, settings));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>After routing and the error pages, before the endpoints.</summary>
    public static IApplicationBuilder UseIdpRateLimits(this IApplicationBuilder app)
    {
        // The token endpoint reads its form anyway; reading it here first (it is kept for the endpoint) lets the
        // partitioner see client_id without a synchronous read. Bodies of other requests are not touched.
        app.Use(async (http, next) =>
        {
            if (IsTokenRequest(http.Request) && http.Request.HasFormContentType && !HasBasicAuthorization(http.Request))
            {
                try
                {
                    await http.Request.ReadFormAsync(http.RequestAborted);
                }
                catch (Exception exception) when (exception is InvalidDataException or IOException or BadHttpRequestException)
                {
                    // The endpoint answers invalid_request for a body it cannot read.
                }
            }
            await next(http);
        });
        app.UseRateLimiter();
        return app;
    }

    internal static RateLimitPartition<string> Partition(HttpContext http, RateLimitOptions settings)
    {
        var group = GroupOf(http.Request);
        var address = http.Connection.RemoteIpAddress;
        if (group is null || !settings.Enabled || (settings.ExemptLoopback && address is not null && IPAddress.IsLoopback(address)))
            return RateLimitPartition.GetNoLimiter("");

        var rule = group switch
        {
            nameof(RateLimitOptions.Token) => settings.Token,
            nameof(RateLimitOptions.Authorize) => settings.Authorize,
            nameof(RateLimitOptions.SignIn) => settings.SignIn,
            _ => settings.DeviceApi,
        };
        var partition = group == nameof(RateLimitOptions.Token) && ClientIdOf(http) is { } clientId
            ? $"{group}|client|{clientId}"
            : $"{group}|address|{address?.ToString() ?? "unknown"}";
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = rule.PermitLimit,
            Window = rule.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static string? GroupOf(HttpRequest request)
    {
        var path = request.Path;
        if (IsTokenRequest(request))
            return nameof(RateLimitOptions.Token);
        if (path.StartsWithSegments(EndpointPaths.Authorize) || path.StartsWithSegments(EndpointPaths.PushedAuthorization))
            return nameof(RateLimitOptions.Authorize);
        if (path.StartsWithSegments(DeviceApi.Prefix))
            return nameof(RateLimitOptions.DeviceApi);
        if (HttpMethods.IsPost(request.Method) && (path.StartsWithSegments("/signin") || path.StartsWithSegments("/enrol")))
            return nameof(RateLimitOptions.SignIn);
        return null;
    }

    private static bool IsTokenRequest(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments(EndpointPaths.Token);

    private static bool HasBasicAuthorization(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);

    /// <summary>The client the request names (not yet authenticated): Basic header, else the already-read form.</summary>
    private static string? ClientIdOf(HttpContext http)
    {
        string? clientId = null;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            ClientAuthenticator.TryParseBasic(authorization, out clientId, out _);
        else if (http.Features.Get<IFormFeature>()?.Form is { } form)
            clientId = form[Parameters.ClientId].ToString();
        // Client ids are at most 100 characters (the column); a longer one is no client and shares the address partition.
        return string.IsNullOrEmpty(clientId) || clientId.Length > 100 ? null : clientId;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        // Browsers (Accept: text/html) get the friendly error page from the status-code pages; the rest problem details.
        if (http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            return;
        await Results.Problem(
                title: "Too many requests.",
                detail: $"Try again in {seconds} seconds.",
                statusCode: StatusCodes.Status429TooManyRequests,
                type: "urn:idp:problem:rate_limited")
            .ExecuteAsync(http);
    }
}
