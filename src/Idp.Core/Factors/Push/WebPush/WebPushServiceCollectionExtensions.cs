using Idp.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push.WebPush;

public static class WebPushServiceCollectionExtensions
{
    /// <summary>
    /// Web Push delivery: <see cref="IWebPushSender"/> (replacing any other registration), the VAPID key store and its
    /// start-up initializer, <c>Idp:Push:Vapid</c> validated at start-up, and the named HttpClient. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddIdpWebPush(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<WebPushOptions>(WebPushOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebPushOptions>, WebPushOptionsValidator>());
        services.TryAddSingleton<VapidKeyStore>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IStartupInitializer, VapidKeyInitializer>());
        services.Replace(ServiceDescriptor.Singleton<IWebPushSender, WebPushSender>());
        services.AddHttpClient(WebPushSender.HttpClientName, client =>
            {
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Idp-WebPush/1.0");
                client.Timeout = Timeout.InfiniteTimeSpan; // each send has its own (Idp:Push:Vapid:Timeout)
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return services;
    }

    /// <summary><c>GET /api/authenticator/v1/vapid-public-key</c>: the key the companion app subscribes with (no authentication).</summary>
    public static IEndpointRouteBuilder MapIdpWebPush(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/authenticator/v1/vapid-public-key", async (VapidKeyStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(new VapidPublicKeyResponse((await store.GetKeyAsync(cancellationToken)).PublicKeyBase64Url)))
            .RequireCors(DeviceApi.CorsPolicy);
        return endpoints;
    }

    public sealed record VapidPublicKeyResponse(string PublicKey);
}
