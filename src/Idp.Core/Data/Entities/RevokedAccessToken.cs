namespace Idp.Data.Entities;

/// <summary>A JWT access token revoked before its expiry, by <c>jti</c>; removed once it has expired.</summary>
public sealed class RevokedAccessToken
{
    public string TokenId { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}
