namespace Idp.Data.Entities;

/// <summary>An authorization code; stored by the SHA-256 of its value, single-use.</summary>
public sealed class AuthorizationCode
{
    public string Id { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string RedirectUri { get; set; } = "";
    public string Scope { get; set; } = "";
    public string? Nonce { get; set; }
    public string? CodeChallenge { get; set; }
    public DateTimeOffset AuthTime { get; set; }
    public string Acr { get; set; } = "";
    public string Amr { get; set; } = "";
    /// <summary>Claims requested through the <c>claims</c> parameter, as JSON.</summary>
    public string? ClaimsRequest { get; set; }
    /// <summary>The <c>dpop_jkt</c> of the authorization request (RFC 9449 §10): the code is redeemed only with a proof by that key.</summary>
    public string? DPoPJkt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RedeemedAt { get; set; }

    /// <summary>What the redemption issued, so a replay can revoke it.</summary>
    public string? IssuedAccessTokenId { get; set; }
    public string? IssuedRefreshTokenFamily { get; set; }
}
