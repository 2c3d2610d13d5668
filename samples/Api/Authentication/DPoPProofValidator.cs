using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Api.Authentication;

/// <summary>
/// The DPoP proof that must come with a DPoP-bound access token (RFC 9449 §7.1): one <c>DPoP</c> header, a
/// <c>dpop+jwt</c> signed with the public key in its <c>jwk</c> header (ES256, RS256, PS256), <c>htm</c> and
/// <c>htu</c> of this request, a recent <c>iat</c>, <c>ath</c> the hash of the access token, the key's thumbprint the
/// token's <c>cnf.jkt</c>, and a <c>jti</c> not seen before (kept in memory: enough for one instance of the sample).
/// </summary>
public sealed class DPoPProofValidator(TimeProvider clock, IMemoryCache seen)
{
    public static readonly string[] Algorithms = ["ES256", "PS256", "RS256"];
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FutureSkew = TimeSpan.FromSeconds(5);
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly Lock _replayLock = new();

    /// <summary>Null when the request's proof is good for <paramref name="accessToken"/> bound to <paramref name="boundThumbprint"/>; otherwise why not.</summary>
    public async Task<string?> ValidateAsync(HttpRequest request, string accessToken, string boundThumbprint)
    {
        var headers = request.Headers["DPoP"];
        if (headers.Count != 1 || string.IsNullOrEmpty(headers[0]) || headers[0]!.Length > 8192)
            return "Exactly one DPoP proof is required with a DPoP-bound access token.";
        var proof = headers[0]!;
        JsonWebToken jwt;
        JsonWebKey key;
        try
        {
            jwt = new JsonWebToken(proof);
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader));
            if (!header.RootElement.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object)
                return "The DPoP proof has no jwk.";
            if (PrivateMembers.Any(member => jwk.TryGetProperty(member, out _)))
                return "The DPoP proof's jwk holds a private key.";
            key = new JsonWebKey(jwk.GetRawText());
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return "The DPoP proof is not a JWT.";
        }

        if (!string.Equals(jwt.Typ, "dpop+jwt", StringComparison.OrdinalIgnoreCase))
            return "The DPoP proof's typ is not dpop+jwt.";
        if (!Algorithms.Contains(jwt.Alg) || key.Kty is not ("EC" or "RSA"))
            return "The DPoP proof's algorithm is not accepted.";
        var signature = await Handler.ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = Algorithms,
            ValidTypes = [jwt.Typ],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });
        if (!signature.IsValid)
            return "The DPoP proof's signature is not valid.";
        if (!string.Equals(Base64UrlEncoder.Encode(key.ComputeJwkThumbprint()), boundThumbprint, StringComparison.Ordinal))
            return "The DPoP proof is signed by another key than the access token is bound to.";

        if (!jwt.TryGetPayloadValue<string>("htm", out var htm) || htm != request.Method)
            return "The DPoP proof's htm is not this request's method.";
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        if (!jwt.TryGetPayloadValue<string>("htu", out var htu) || !SameTarget(htu, url))
            return "The DPoP proof's htu is not this request's URL.";
        if (!jwt.TryGetPayloadValue<long>("iat", out var iat))
            return "The DPoP proof has no iat.";
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        var now = clock.GetUtcNow();
        if (issuedAt + MaxAge < now || issuedAt - FutureSkew > now)
            return "The DPoP proof is too old or from the future.";
        var expectedAth = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        if (!jwt.TryGetPayloadValue<string>("ath", out var ath) || ath != expectedAth)
            return "The DPoP proof's ath is not the hash of this access token.";
        if (!jwt.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti) || jti.Length > 512)
            return "The DPoP proof has no jti.";
        lock (_replayLock)
        {
            var entry = boundThumbprint + ":" + jti;
            if (seen.TryGetValue(entry, out _))
                return "The DPoP proof was used before.";
            seen.Set(entry, true, issuedAt + MaxAge + FutureSkew);
        }
        return null;
    }

    /// <summary>RFC 9449 §4.3 check 9: the URI without query and fragment, scheme and host case-insensitive, default ports equal.</summary>
    private static bool SameTarget(string htu, string url) =>
        Uri.TryCreate(htu, UriKind.Absolute, out var presented) && Uri.TryCreate(url, UriKind.Absolute, out var expected)
        && string.Equals(presented.GetLeftPart(UriPartial.Path), expected.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
}
