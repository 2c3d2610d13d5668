using System.Text.Json.Serialization;

namespace Idp.Protocol.Token;

/// <summary>RFC 6749 §5.1 and OpenID Connect Core §3.1.3.3.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("id_token")] string? IdToken);

/// <summary>RFC 9449 §5: <c>DPoP</c> for a token bound to a proof's key, else <c>Bearer</c>.</summary>
public static class TokenTypes
{
    public static string For(string? dpopThumbprint) => dpopThumbprint is null ? "Bearer" : "DPoP";
}

/// <summary>The outcome of a grant: tokens, or an RFC 6749 §5.2 error.</summary>
public sealed record GrantResult(TokenResponse? Response, ProtocolError? Error)
{
    public static GrantResult Fail(string error, string description) => new(null, new ProtocolError(error, description));
}
