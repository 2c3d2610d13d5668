namespace Idp.Data.Entities;

/// <summary>A relying party (portal or third-party app).</summary>
public sealed class Client
{
    public string ClientId { get; set; } = "";
    public string DisplayName { get; set; } = "";

    /// <summary>SHA-256 of the client secret (client secrets are high-entropy), null for public clients.</summary>
    public string? SecretHash { get; set; }
    public bool IsPublic => SecretHash is null;

    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];
    public List<string> AllowedGrantTypes { get; set; } = [];
    public List<string> AllowedScopes { get; set; } = [];

    /// <summary>Third-party clients ask the user for consent; first-party portals do not.</summary>
    public bool IsThirdParty { get; set; }
    public bool RequirePkce { get; set; } = true;
    public string SigningAlgorithm { get; set; } = "RS256";

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
