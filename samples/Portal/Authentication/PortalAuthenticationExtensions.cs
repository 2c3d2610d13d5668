using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Authentication;

public static class PortalAuthenticationExtensions
{
    /// <summary>The portal's cookie session, signed in through Idp with the authorization code flow and PKCE.</summary>
    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PortalOptions>()
            .Bind(configuration.GetSection(PortalOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();

        services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(provider =>
        {
            var portal = provider.GetRequiredService<IOptions<PortalOptions>>().Value;
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(15),
            };
            return new ConfigurationManager<OpenIdConnectConfiguration>(
                portal.MetadataAddress,
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(http) { RequireHttps = portal.RequireHttpsMetadata });
        });
        services.AddSingleton<IdpMetadata>();
        services.AddSingleton<IdTokenValidator>();
        services.AddSingleton<IdpOAuthEvents>();
        services.AddSingleton<DPoP.DPoPProofFactory>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddAuthentication(authentication =>
            {
                authentication.DefaultScheme = PortalAuthenticationDefaults.CookieScheme;
                authentication.DefaultChallengeScheme = PortalAuthenticationDefaults.IdpScheme;
            })
            .AddCookie(PortalAuthenticationDefaults.CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "portal.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = false;
            })
            .AddOAuth<OAuthOptions, IdpOAuthHandler>(PortalAuthenticationDefaults.IdpScheme, "Idp", _ => { });

        services.AddOptions<OAuthOptions>(PortalAuthenticationDefaults.IdpScheme)
            .Configure<IOptions<PortalOptions>>((oauth, portalOptions) => ConfigureIdp(oauth, portalOptions.Value));
        return services;
    }

    private static void ConfigureIdp(OAuthOptions oauth, PortalOptions portal)
    {
        oauth.ClientId = portal.ClientId;
        oauth.ClientSecret = portal.ClientSecret;
        oauth.CallbackPath = portal.CallbackPath;
        oauth.AuthorizationEndpoint = PortalAuthenticationDefaults.EndpointFromDiscovery;
        oauth.TokenEndpoint = PortalAuthenticationDefaults.EndpointFromDiscovery;
        oauth.UsePkce = true;
        oauth.Scope.Clear();
        foreach (var scope in portal.Scopes)
            oauth.Scope.Add(scope);
        oauth.SaveTokens = true;
        oauth.SignInScheme = PortalAuthenticationDefaults.CookieScheme;
        oauth.EventsType = typeof(IdpOAuthEvents);

        // Idp answers with a top-level GET redirect (response_mode=query), so Lax cookies come back;
        // SameAsRequest lets the correlation cookie work on http://localhost in development.
        oauth.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oauth.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }
}
