namespace Idp.Data.Entities;

/// <summary>
/// A token signing key. Published in JWKS from creation; used for signing from <see cref="ActivatesAt"/>
/// (so relying parties have fetched it first) until <see cref="RetiresAt"/>; kept in JWKS until
/// <see cref="ExpiresAt"/>, when every token it signed has expired.
/// </summary>
public sealed class SigningKey
{
    public string Id { get; set; } = "";
    public string Algorithm { get; set; } = "";
    public string PublicJwk { get; set; } = "";

    /// <summary>The private key (PKCS#8), encrypted with the configured key-encryption key.</summary>
    public string ProtectedPrivateKey { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ActivatesAt { get; set; }
    public DateTimeOffset RetiresAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
