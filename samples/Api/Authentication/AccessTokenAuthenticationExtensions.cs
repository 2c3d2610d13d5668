using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Api.Authentication;

public static class AccessTokenAuthenticationExtensions
{
    /// <summary>Bearer authentication with Idp's JWT access tokens; keys from Idp's discovery document, cached.</summary>
    public static IServiceCollection AddAccessTokenAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>()
            .Bind(configuration.GetSection(ApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();

        services.TryAddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(provider =>
        {
            var api = provider.GetRequiredService<IOptions<ApiOptions>>().Value;
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(15),
            };
            return new ConfigurationManager<OpenIdConnectConfiguration>(
                api.MetadataAddress,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(http) { RequireHttps = api.RequireHttpsMetadata });
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccessTokenValidator>();
        services.AddMemoryCache();
        services.AddSingleton<DPoPProofValidator>();
        services.AddExceptionHandler<IdpUnavailableExceptionHandler>();

        services.AddAuthentication(AccessTokenDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenHandler>(AccessTokenDefaults.Scheme, _ => { });
        services.AddAuthorization();
        return services;
    }
}
