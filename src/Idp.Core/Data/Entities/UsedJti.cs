namespace Idp.Data.Entities;

/// <summary>
/// A JWT id already used within a scope (a client's assertions, later DPoP proofs); the primary key makes a second
/// use fail on every node. Removed by the cleanup job once the JWT has expired.
/// </summary>
public sealed class UsedJti
{
    /// <summary>Whose ids these are, e.g. <c>client_assertion:{client_id}</c>.</summary>
    public string Scope { get; set; } = "";

    /// <summary>SHA-256 of the <c>jti</c> (base64url): fixed length whatever the sender chose.</summary>
    public string JtiHash { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}
