using System.ComponentModel.DataAnnotations;

namespace Idp.Configuration;

/// <summary>The <c>Idp</c> configuration section.</summary>
public sealed class IdpOptions
{
    public const string Section = "Idp";

    /// <summary>The issuer identifier: an https URL (http only on loopback), no query or fragment.</summary>
    [Required]
    public string Issuer { get; set; } = "";

    public DatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// Base64 of 32 random bytes that encrypt secrets at rest (signing keys, TOTP secrets). Every node needs
    /// the same value. Several may be given, newest first, separated by commas: older ones only decrypt.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    public TokenOptions Tokens { get; set; } = new();
    public SigningKeyOptions SigningKeys { get; set; } = new();
    public SessionOptions Session { get; set; } = new();
    public AccountOptions Accounts { get; set; } = new();
    public MfaOptions Mfa { get; set; } = new();
    public PasskeysOptions Passkeys { get; set; } = new();
    public List<ClientOptions> Clients { get; set; } = [];
    public ClientAuthenticationOptions ClientAuthentication { get; set; } = new();
    public DPoPOptions DPoP { get; set; } = new();

    /// <summary>
    /// Proxies (load balancers) whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are believed, as IP
    /// addresses or CIDR networks. Empty: only loopback proxies.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Seed a demo user and demo portal client (Development only).</summary>
    public bool SeedDemoData { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite a <c>Data Source=</c> string; for PostgreSQL an Npgsql, for SQL Server a Microsoft.Data.SqlClient connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=App_Data/idp.db";

    /// <summary>Apply pending migrations at start-up (otherwise run <c>Idp migrate</c>).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public sealed class TokenOptions
{
    [Range(typeof(TimeSpan), "00:00:05", "00:01:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan PushedRequestLifetime { get; set; } = TimeSpan.FromSeconds(90);

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan InteractionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The <c>aud</c> of access tokens; by default <c>{Issuer}/resources</c>.</summary>
    public string? AccessTokenAudience { get; set; }

    /// <summary>Tolerated clock difference when checking token times.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class SigningKeyOptions
{
    /// <summary>How long a key signs before the next one takes over.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a new key is published in JWKS before it signs, so relying parties have it.</summary>
    public TimeSpan PropagationTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the rotation job looks at the keys.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often each node re-reads the key set from the database: a key made elsewhere (another node, the admin
    /// area) is in every node's JWKS within this time. The same value on Idp and the admin area.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The JWKS's <c>Cache-Control</c> max-age: how long relying parties and proxies may keep it.</summary>
    public TimeSpan JwksMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When a key made at <paramref name="createdAt"/> is in the JWKS of every node.</summary>
    public DateTimeOffset PublishedEverywhereAt(DateTimeOffset createdAt) => createdAt + RefreshInterval;
}

public sealed class SessionOptions
{
    /// <summary>Lifetime of a browser session without "remember me".</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>Lifetime of a persistent session ("remember me on this computer").</summary>
    public TimeSpan PersistentLifetime { get; set; } = TimeSpan.FromDays(30);
}

public sealed class AccountOptions
{
    public bool SelfRegistration { get; set; } = true;
    public bool RequireConfirmedEmail { get; set; } = true;

    /// <summary>Failed passwords before the first lockout; each further lockout lasts twice as long.</summary>
    [Range(1, 100)]
    public int MaxFailedAccessAttempts { get; set; } = 5;
    public TimeSpan LockoutBase { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>A client declared in configuration; upserted into the database at start-up.</summary>
public sealed class ClientOptions
{
    [Required]
    public string ClientId { get; set; } = "";
    public string? DisplayName { get; set; }
    /// <summary>The client secret in clear (hashed before it is stored); none for a public client.</summary>
    public string? Secret { get; set; }
    /// <summary>Or the secret's SHA-256 (base64url), so the clear secret needs not be in configuration.</summary>
    public string? SecretHash { get; set; }

    /// <summary>
    /// During a rotation: the secret the portal used before (or its SHA-256 as <see cref="PreviousSecretHash"/>),
    /// accepted beside the current one until <see cref="PreviousSecretValidUntil"/>.
    /// </summary>
    public string? PreviousSecret { get; set; }
    public string? PreviousSecretHash { get; set; }
    public DateTimeOffset? PreviousSecretValidUntil { get; set; }
    /// <c>client_secret_basic</c> (default with a secret), <c>client_secret_post</c>, <c>private_key_jwt</c> (with
    /// <see cref="Jwks"/> or <see cref="JwksUri"/>) or <c>none</c> (default without; public client). One method per client.
    /// </summary>
    public string? TokenEndpointAuthMethod { get; set; }

    /// <summary>For <c>private_key_jwt</c>: the client's public keys, a JWKS document as a JSON string.</summary>
    public string? Jwks { get; set; }

    /// <summary>For <c>private_key_jwt</c>: where the client publishes its JWKS (https outside Development).</summary>
    public string? JwksUri { get; set; }

    /// <summary>The method in effect: the declared one, or what the secret implies.</summary>
    public string EffectiveAuthMethod => TokenEndpointAuthMethod
        ?? (Secret is null && SecretHash is null ? Data.Entities.ClientAuthMethods.None : Data.Entities.ClientAuthMethods.ClientSecretBasic);
    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];

    // The configuration binder appends to a list that already has items, so defaults are applied after
    // binding (EffectiveGrantTypes, EffectiveScopes), never as initial values.
    public List<string> AllowedGrantTypes { get; set; } = [];
    public List<string> AllowedScopes { get; set; } = [];

    public IReadOnlyList<string> EffectiveGrantTypes => AllowedGrantTypes.Count > 0 ? AllowedGrantTypes : ["authorization_code", "refresh_token"];
    public IReadOnlyList<string> EffectiveScopes => AllowedScopes.Count > 0 ? AllowedScopes : ["openid", "profile", "email", "offline_access"];
    public bool ThirdParty { get; set; }
    public bool RequirePkce { get; set; } = true;
    /// <summary>Token requests without a DPoP proof are refused (RFC 9449).</summary>
    public bool RequireDPoP { get; set; }

    /// <summary><c>Fapi2</c>: the FAPI 2.0 Security Profile's rules for this client (PAR, PKCE S256, private_key_jwt, codes of at most 60 s).</summary>
    public Data.Entities.ClientProfile Profile { get; set; }
    public string SigningAlgorithm { get; set; } = "RS256";

    /// <summary>
    /// <c>Opaque</c>: a user's access token whose scopes are all OpenID Connect scopes (it is for userinfo only) is
    /// sealed instead of signed; resource servers cannot read it, introspection can. Default <c>Jwt</c> (RFC 9068).
    /// </summary>
    public Data.Entities.AccessTokenFormat UserInfoAccessTokens { get; set; }
    public int? AccessTokenLifetimeSeconds { get; set; }
    public int? IdTokenLifetimeSeconds { get; set; }
    public int? RefreshTokenLifetimeSeconds { get; set; }
    public string? BackChannelLogoutUri { get; set; }

    /// <summary>Second-factor policy for this client (the stricter of this and <c>Idp:Mfa:Policy</c> applies).</summary>
    public Factors.MfaPolicy? MfaPolicy { get; set; }

    /// <summary>"Trust this browser" days for this client (0: off, e.g. a portal that demands a factor at every sign-in).</summary>
    [Range(0, 365)]
    public int? TrustBrowserDays { get; set; }
}

/// <summary>The <c>Idp:ClientAuthentication</c> section: client assertions (<c>private_key_jwt</c>, RFC 7523).</summary>
public sealed class ClientAuthenticationOptions
{
    /// <summary>The longest an assertion may live: its <c>exp</c> at most this far after its <c>iat</c> (or now).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan AssertionMaxLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tolerated clock difference for <c>exp</c>, <c>nbf</c> and <c>iat</c> of an assertion.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client's JWKS fetched from its <c>jwks_uri</c> is used.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan JwksCacheTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An unknown <c>kid</c> fetches the JWKS again, but at most this often per client.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan JwksRefetchInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a <c>jwks_uri</c> may take to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:30")]
    public TimeSpan JwksFetchTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The <c>Idp:Passkeys</c> section: the WebAuthn relying party.</summary>
public sealed class PasskeysOptions
{
    /// <summary>The relying-party id (a registrable domain of the issuer's host); default: the issuer's host.</summary>
    public string? RelyingPartyId { get; set; }

    /// <summary>Origins allowed in a WebAuthn response (<c>https://id.example</c>), compared exactly; default: the issuer's origin.</summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>Which passkeys are accepted and which reach the phishing-resistant level.</summary>
    public PasskeyPolicyOptions Policy { get; set; } = new();

    /// <summary>The FIDO metadata: each authenticator model's name, status and attestation roots.</summary>
    public PasskeyMetadataOptions Metadata { get; set; } = new();
}

/// <summary>The <c>Idp:Mfa</c> section: when a second factor is enrolled and asked for.</summary>
public sealed class MfaOptions
{
    /// <summary>
    /// Required (default): once enrolled, every sign-in asks for the second factor. StepUpOnly: only when a portal
    /// asks for the level. Never: not asked at sign-in and no enrolment prompt (users may still add one on the profile).
    /// </summary>
    public Factors.MfaPolicy Policy { get; set; } = Factors.MfaPolicy.Required;

    /// <summary>Sign-ins after registration without a second factor (default 1: the first is free, the next enrols).</summary>
    [Range(0, 100)]
    public int GraceSignIns { get; set; } = 1;

    /// <summary>Enrol at the very first sign-in (ignores <see cref="GraceSignIns"/>).</summary>
    public bool EnrolAtFirstSignIn { get; set; }

    /// <summary>TOTP steps accepted either side of the current one (RFC 6238 §5.2).</summary>
    [Range(0, 3)]
    public int TotpWindow { get; set; } = 1;

    /// <summary>Days a browser may be trusted after a second factor ("trust this browser"); 0: off.</summary>
    [Range(0, 365)]
    public int TrustBrowserDays { get; set; }

    /// <summary>The issuer shown in authenticator apps (otpauth URI); default "Idp".</summary>
    [StringLength(64)]
    public string AuthenticatorIssuer { get; set; } = "Idp";

    /// <summary>How long a second factor counts as fresh for removing factors or new recovery codes.</summary>
    public TimeSpan FreshFactor { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The <c>Idp:DPoP</c> section: DPoP proofs (RFC 9449) at the token and userinfo endpoints.</summary>
public sealed class DPoPOptions
{
    /// <summary>How old (by its <c>iat</c>) a proof may be (RFC 9449 §11.1).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan ProofMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How far in the future a proof's <c>iat</c> may lie (the client's clock running ahead).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Proofs must carry a server nonce (RFC 9449 §8, §9).</summary>
    public bool RequireNonce { get; set; }

    /// <summary>How long a server nonce is accepted; every node accepts every node's nonces.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
