using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Factors.Push.WebPush;

/// <summary>The VAPID JWT (RFC 8292 §2): ES256, <c>aud</c> = the push service's origin, <c>exp</c> ≤ 24 h, <c>sub</c> a contact.</summary>
public static class VapidToken
{
    /// <summary>RFC 8292 §2: a push service must reject an <c>exp</c> more than 24 hours ahead.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    private static readonly string EncodedHeader = Base64UrlEncoder.Encode("""{"typ":"JWT","alg":"ES256"}""");

    /// <summary>The origin of a push endpoint (scheme, host and a port other than the default).</summary>
    public static string AudienceOf(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority);

    public static string Create(VapidKey key, string audience, string subject, DateTimeOffset expiresAt)
    {
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
            ["sub"] = subject,
        });
        var signingInput = $"{EncodedHeader}.{Base64UrlEncoder.Encode(claims)}";
        // .NET signs ECDSA in IEEE P1363 form (r || s), which is JWS's form for ES256.
        var signature = key.Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The <c>Authorization</c> header value: <c>vapid t=…, k=…</c> (RFC 8292 §3).</summary>
    public static string AuthorizationHeader(string token, VapidKey key) => $"vapid t={token}, k={key.PublicKeyBase64Url}";
}
