using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Idp.Protocol.Tokens;

/// <summary>
/// Access tokens only Idp reads: the claims of an RFC 9068 access token, sealed (encrypted and authenticated) with the
/// data-protection key ring that every node reads from the database, instead of signed. For a token only userinfo
/// accepts this saves the signature, and the client cannot read the user's <c>acr</c>, <c>amr</c> or <c>sid</c> from it.
/// </summary>
public sealed class OpaqueAccessTokens(IDataProtectionProvider dataProtection)
{
    private static readonly string Header = JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = TokenIssuer.AccessTokenType });
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Idp.Protocol.Tokens.OpaqueAccessToken.v1");

    /// <summary>A JWT (RFC 7519 §7.2) always has dots; base64url never.</summary>
    public static bool IsOpaque(string token) => !token.Contains('.');

    public string Seal(Dictionary<string, object> payload) =>
        Base64Url.EncodeToString(_protector.Protect(JsonSerializer.SerializeToUtf8Bytes(payload)));

    /// <summary>The sealed claims as an unsigned token, or null when the token is not one Idp sealed.</summary>
    public JsonWebToken? Open(string token)
    {
        if (!Base64Url.IsValid(token, out var length) || length < 16)
            return null;
        try
        {
            var payload = _protector.Unprotect(Base64Url.DecodeFromChars(token));
            return new JsonWebToken(Header, Encoding.UTF8.GetString(payload));
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or FormatException)
        {
            return null;
        }
    }
}
