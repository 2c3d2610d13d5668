using Idp.Configuration;
using Idp.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

public static class PushServiceCollectionExtensions
{
    /// <summary>Push approval: the factor, the device API's services and its CORS policy (<c>Idp:Push:AllowedOrigins</c>).</summary>
    public static IServiceCollection AddIdpPush(this IServiceCollection services)
    {
        services.AddSettings<PushOptions>(PushOptions.Section);
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidator>();
        services.AddScoped<PushApprovals>();
        services.AddScoped<PushDeviceRegistrations>();
        services.AddScoped<PushDeviceCredentials>();
        services.AddScoped<PushDecisions>();
        services.AddScoped<PushDeliverer>();
        services.AddScoped<Messaging.IOutboxDelivery>(sp => sp.GetRequiredService<PushDeliverer>());
        services.AddScoped<PushEventStreams>();
        services.AddScoped<PushFactor>();
        services.AddScoped<ISecondFactor>(sp => sp.GetRequiredService<PushFactor>());
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<PushOptions>>((cors, push) =>
            cors.AddPolicy(DeviceApi.CorsPolicy, policy => policy
                .WithOrigins([.. push.Value.AllowedOrigins])
                .WithMethods("GET", "POST", "PUT", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Accept", "Accept-Language")
                .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return services;
    }

    /// <summary>The device API and the waiting browser's event stream (<c>/signin/push/events?request_id=</c>, the push request's id).</summary>
    public static IEndpointRouteBuilder MapIdpPush(this IEndpointRouteBuilder app)
    {
        app.MapPushDeviceApi();
        app.MapGet(PushFactor.ChallengePage + "/events", async (HttpContext http, SecondFactorFlow flow, PushApprovals approvals, PushEventStreams streams, CancellationToken ct) =>
        {
            var state = await flow.LoadAsync(http, null, null);
            var request = state is null ? null : await approvals.FindForBrowserAsync(http.Request.Query["request_id"], state.User.Id, http.Request.Cookies[PushBrowser.BindingCookie], ct);
            if (request is null)
                return Results.Problem(title: "No such push request for this browser.", statusCode: StatusCodes.Status404NotFound, type: "urn:idp:problem:not_found");
            await streams.BrowserStreamAsync(http, request, ct);
            return Results.Empty;
        });
        return app;
    }
}

/// <summary>The waiting browser's binding: a random value in a cookie, its SHA-256 on the request.</summary>
public static class PushBrowser
{
    public const string BindingCookie = "idp.push";

    public static string EnsureBinding(HttpContext http)
    {
        var value = http.Request.Cookies[BindingCookie];
        if (!string.IsNullOrEmpty(value) && value.Length is > 20 and < 100)
            return value;
        value = Security.Hashing.RandomToken(32);
        http.Response.Cookies.Append(BindingCookie, value, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = PushFactor.ChallengePage,
        });
        return value;
    }
}

public sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var errors = new List<string>();
        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.GetLeftPart(UriPartial.Authority) != origin)
                errors.Add($"{PushOptions.Section}:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port], no path or trailing slash).");
        }
        if (!string.IsNullOrEmpty(options.AuthenticatorUrl) && (!Uri.TryCreate(options.AuthenticatorUrl, UriKind.Absolute, out var app) || app.Scheme is not ("https" or "http")))
            errors.Add($"{PushOptions.Section}:AuthenticatorUrl must be an absolute http(s) URL.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
