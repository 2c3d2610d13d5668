using System.ComponentModel.DataAnnotations;

namespace Portal;

/// <summary>The <c>Portal</c> configuration section: how the portal reaches Idp.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Idp's issuer identifier; discovery is read from <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    [Required]
    public string Authority { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>The portal is a confidential client; the secret is sent with HTTP Basic (client_secret_basic).</summary>
    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>Where Idp sends the browser back with the code; must match the registered redirect URI.</summary>
    public string CallbackPath { get; set; } = "/signin-idp";

    public List<string> Scopes { get; set; } = ["openid", "profile", "email", "offline_access"];

    /// <summary>The base URL of samples/Api, which the bank-details page calls with the user's access token.</summary>
    [Required]
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>Send DPoP proofs (RFC 9449) to Idp's token endpoint and to the API, so the access token is bound to the portal's key.</summary>
    public bool UseDPoP { get; set; }

    public Uri AuthorityUri => new(Authority, UriKind.Absolute);

    public string MetadataAddress => Authority.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <summary>Plain http metadata is accepted only when Idp runs on this machine (development).</summary>
    public bool RequireHttpsMetadata => !(AuthorityUri.Scheme == Uri.UriSchemeHttp && AuthorityUri.IsLoopback);

    /// <summary>The origin of Idp (scheme, host, port), for the Content-Security-Policy.</summary>
    public string AuthorityOrigin => AuthorityUri.GetLeftPart(UriPartial.Authority);
}
