namespace Idp.Data.Entities;

/// <summary>
/// A refresh token, stored by the SHA-256 of its value. Every use rotates it; all tokens rotated from
/// one another share a <see cref="FamilyId"/>, so the reuse of a rotated token revokes the family.
/// </summary>
public sealed class RefreshToken
{
    public string Id { get; set; } = "";
    public string FamilyId { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string? SessionId { get; set; }
    public string Scope { get; set; } = "";
    public DateTimeOffset AuthTime { get; set; }
    public string Acr { get; set; } = "";
    public string Amr { get; set; } = "";
    /// <summary>The <c>claims</c> request of the authorization (OpenID Connect Core §5.5), for the tokens of every refresh.</summary>
    public string? ClaimsRequest { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>The access token issued with this refresh token, so revoking the family revokes it too.</summary>
    public string? AccessTokenId { get; set; }

    /// <summary>
    /// The RFC 7638 thumbprint of the DPoP key this token is bound to (RFC 9449 §5: public clients only); a refresh
    /// needs a proof by that key.
    /// </summary>
    public string? DPoPJkt { get; set; }
}
