using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portal.Authentication;

public static class IdpMetadataExtensions
{
    /// <summary>The configuration manager the OpenID Connect handler and <see cref="IdpMetadata"/> share.</summary>
    public static IServiceCollection AddIdpMetadata(this IServiceCollection services)
    {
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
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}

/// <summary>Idp's discovery document and signing keys (JWKS), cached and refreshed by the IdentityModel configuration manager.</summary>
public sealed class IdpMetadata(
    IConfigurationManager<OpenIdConnectConfiguration> configurationManager,
    IOptions<PortalOptions> options,
    ILogger<IdpMetadata> logger)
{
    /// <summary>Reads (or returns the cached) configuration; throws when Idp cannot be reached or the document is wrong.</summary>
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        var configuration = await configurationManager.GetConfigurationAsync(cancellationToken);

        // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one whose document we asked for.
        var expected = options.Value.Authority.TrimEnd('/');
        if (!string.Equals(configuration.Issuer?.TrimEnd('/'), expected, StringComparison.Ordinal))
            throw new InvalidOperationException($"Idp's discovery document names issuer '{configuration.Issuer}', expected '{expected}' (Portal:Authority).");
        return configuration;
    }

    /// <summary>Like <see cref="GetConfigurationAsync"/>, but logs and returns null when Idp is unavailable.</summary>
    public async Task<OpenIdConnectConfiguration?> TryGetConfigurationAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetConfigurationAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException)
        {
            Log.MetadataUnavailable(logger, options.Value.MetadataAddress, exception.Message);
            return null;
        }
    }

    /// <summary>Asks for a fresh document and JWKS on the next read (an ID token was signed with an unknown key: rotation).</summary>
    public void RequestRefresh() => configurationManager.RequestRefresh();
}
