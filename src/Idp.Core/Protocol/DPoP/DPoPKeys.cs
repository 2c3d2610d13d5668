using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Idp.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.DPoP;

/// <summary>The public key of a DPoP proof, its RFC 7638 thumbprint, and the binding read back from an access token.</summary>
public static class DPoPKeys
{
    /// <summary>RFC 9449 §4.2: asymmetric algorithms only, never <c>none</c> or a MAC.</summary>
    public static readonly string[] Algorithms = ["ES256", "PS256", "RS256"];

    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>
    /// The key of a <c>jwk</c> header: an EC P-256 or RSA (2048 bits or more) public key. Null with a reason when it
    /// is anything else, or carries private members (RFC 9449 §4.3 check 7).
    /// </summary>
    public static (SecurityKey? Key, string? Thumbprint, DPoPRefusal? Refusal) Read(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
            return (null, null, DPoPRefusal.MissingKey);
        foreach (var member in PrivateMembers)
        {
            if (jwk.TryGetProperty(member, out _))
                return (null, null, DPoPRefusal.PrivateKey);
        }
        try
        {
            switch (Member(jwk, "kty"))
            {
                case "EC" when Member(jwk, "crv") == "P-256" && Member(jwk, "x") is { } x && Member(jwk, "y") is { } y:
                    var ec = ECDsa.Create(new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(x), Y = Base64UrlEncoder.DecodeBytes(y) },
                    });
                    return (new ECDsaSecurityKey(ec), Thumbprint([("crv", "P-256"), ("kty", "EC"), ("x", x), ("y", y)]), null);
                case "RSA" when Member(jwk, "n") is { } n && Member(jwk, "e") is { } e:
                    var modulus = Base64UrlEncoder.DecodeBytes(n);
                    if (modulus.Length < 256)
                        return (null, null, DPoPRefusal.MissingKey);
                    var rsa = RSA.Create(new RSAParameters { Modulus = modulus, Exponent = Base64UrlEncoder.DecodeBytes(e) });
                    return (new RsaSecurityKey(rsa), Thumbprint([("e", e), ("kty", "RSA"), ("n", n)]), null);
                default:
                    return (null, null, DPoPRefusal.MissingKey);
            }
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            return (null, null, DPoPRefusal.MissingKey);
        }
    }

    /// <summary>RFC 9449 §4.2 <c>ath</c>: base64url SHA-256 of the ASCII access token.</summary>
    public static string AccessTokenHash(string accessToken) => Hashing.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    /// <summary>RFC 9449 §6.1: the <c>cnf.jkt</c> of an access token of ours, or null for a bearer token.</summary>
    public static string? BoundThumbprint(JsonWebToken token)
    {
        try
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
            return payload.RootElement.TryGetProperty("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object
                && cnf.TryGetProperty("jkt", out var jkt) && jkt.ValueKind == JsonValueKind.String
                ? jkt.GetString()
                : null;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The <c>cnf</c> claim binding a token to a key (RFC 9449 §6.1, RFC 7800 §3.1).</summary>
    public static Dictionary<string, object> Confirmation(string thumbprint) => new() { ["jkt"] = thumbprint };

    private static string? Member(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>RFC 7638 §3: the required members in lexicographic order, no whitespace, SHA-256, base64url.</summary>
    private static string Thumbprint((string Name, string Value)[] members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in members)
                writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return Hashing.Base64Url(SHA256.HashData(buffer.ToArray()));
    }
}
