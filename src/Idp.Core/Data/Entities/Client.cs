namespace Idp.Data.Entities;

/// <summary>A relying party (portal or third-party app).</summary>
public sealed class Client
{
    public string ClientId { get; set; } = "";
    public string DisplayName { get; set; } = "";

    /// <summary>SHA-256 of the client secret (client secrets are high-entropy), null for public clients.</summary>
    public string? SecretHash { get; set; }

    /// <summary>
    /// The one way this client authenticates (RFC 6749 §2.3, OpenID Connect Core §9); null for clients made before
    /// it was stored: a secret (Basic or in the form) when the client has one, otherwise <c>none</c>.
    /// </summary>
    public string? TokenEndpointAuthMethod { get; set; }

    /// <summary>For <c>private_key_jwt</c>: the client's public keys as a JWKS document, or …</summary>
    public string? Jwks { get; set; }

    /// <summary>… the URL of its JWKS, fetched and cached (<c>Protocol/Clients/ClientKeys</c>).</summary>
    public string? JwksUri { get; set; }

    public string AuthMethod => TokenEndpointAuthMethod ?? (SecretHash is null ? ClientAuthMethods.None : ClientAuthMethods.ClientSecretBasic);
    public bool IsPublic => AuthMethod == ClientAuthMethods.None;

    /// <summary>
    /// SHA-256 of the secret before the last rotation, accepted beside the current one until
    /// <see cref="PreviousSecretExpiresAt"/> so the portal can switch without an outage.
    /// </summary>
    public string? PreviousSecretHash { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>Who owns this portal: the configuration (upserted at every start, read-only in the admin area) or the admin area.</summary>
    public ClientSource Source { get; set; }

    /// <summary>For a configuration portal, the key that declares it (<c>Idp:Clients:2</c>), as of the last start of Idp.</summary>
    public string? ConfigurationKey { get; set; }

    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];
    public List<string> AllowedGrantTypes { get; set; } = [];
    public List<string> AllowedScopes { get; set; } = [];

    /// <summary>Third-party clients ask the user for consent; first-party portals do not.</summary>
    public bool IsThirdParty { get; set; }
    public bool RequirePkce { get; set; } = true;

    /// <summary>Token requests need a DPoP proof (RFC 9449), so every token of this client is sender-constrained.</summary>
    public bool RequireDPoP { get; set; }

    /// <summary>The security profile whose rules apply on top of the settings above (<c>Protocol/Clients/ClientProfiles</c>).</summary>
    public ClientProfile Profile { get; set; }
    public string SigningAlgorithm { get; set; } = "RS256";

    /// <summary>The form of access tokens that only userinfo accepts (<c>Protocol/Tokens/TokenIssuer</c>).</summary>
    public AccessTokenFormat UserInfoAccessTokens { get; set; }

    public int AccessTokenLifetimeSeconds { get; set; } = 3600;
    public int IdTokenLifetimeSeconds { get; set; } = 300;
    public int RefreshTokenLifetimeSeconds { get; set; } = 30 * 24 * 3600;

    /// <summary>Second-factor policy for this client; null: the global <c>Idp:Mfa:Policy</c>. The stricter of the two applies.</summary>
    public Factors.MfaPolicy? MfaPolicy { get; set; }

    /// <summary>"Trust this browser" days for this client; null: the global <c>Idp:Mfa:TrustBrowserDays</c>; 0: off.</summary>
    public int? TrustBrowserDays { get; set; }

    public string? BackChannelLogoutUri { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The owner of a portal's settings (persisted values; never renumber).</summary>
public enum ClientSource
{
    /// <summary>A row from before owners were recorded; the next start of Idp decides (declared: configuration, else admin area).</summary>
    Unrecorded = 0,
    Configuration = 1,
    Admin = 2,
}

/// <summary>How access tokens are written (persisted values; never renumber).</summary>
public enum AccessTokenFormat
{
    /// <summary>RFC 9068: signed, readable by resource servers.</summary>
    Jwt = 0,

    /// <summary>Sealed with Idp's data-protection keys: only Idp reads it (userinfo, introspection).</summary>
    Opaque = 1,
}

/// <summary>The <c>token_endpoint_auth_method</c> values of OpenID Connect Core §9 that Idp accepts.</summary>
public static class ClientAuthMethods
{
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string None = "none";

    public static readonly string[] All = [ClientSecretBasic, ClientSecretPost, PrivateKeyJwt, None];

    /// <summary>RFC 7518 §3.1: the asymmetric algorithms accepted for client assertions (never <c>none</c> or HS*).</summary>
    public static readonly string[] AssertionAlgorithms = ["RS256", "PS256", "ES256"];
}
