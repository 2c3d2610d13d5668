using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Idp.Admin.Authentication;

/// <summary>Idp's discovery document and JWKS, cached by the IdentityModel configuration manager.</summary>
public sealed class IdpMetadata
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;
    private readonly string _authority;

    public IdpMetadata(IHttpClientFactory httpClients, IOptions<AdminOptions> admin, IOptions<Configuration.IdpOptions> idp)
    {
        _authority = AuthorityOf(admin.Value, idp.Value);
        var http = httpClients.CreateClient(AdminAuthenticationDefaults.BackchannelClient);
        var requireHttps = _authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            _authority + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http) { RequireHttps = requireHttps });
    }

    public string Authority => _authority;

    /// <summary>Shared with the OpenID Connect handler, so both see one cached document and JWKS.</summary>
    public IConfigurationManager<OpenIdConnectConfiguration> ConfigurationManager => _manager;

    public static string AuthorityOf(AdminOptions admin, Configuration.IdpOptions idp) =>
        (string.IsNullOrWhiteSpace(admin.Authority) ? idp.Issuer : admin.Authority).TrimEnd('/');

    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        var configuration = await _manager.GetConfigurationAsync(cancellationToken);
        // OpenID Connect Discovery 1.0 §4.3: the document's issuer is the one asked for.
        if (!string.Equals(configuration.Issuer?.TrimEnd('/'), _authority, StringComparison.Ordinal))
            throw new InvalidOperationException($"Idp's discovery document names issuer '{configuration.Issuer}', expected '{_authority}'.");
        return configuration;
    }

    public void RequestRefresh() => _manager.RequestRefresh();
}
