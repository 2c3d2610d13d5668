using System.Text.Json;
using Idp.Configuration;
using Idp.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.DPoP;

/// <summary>Why a DPoP proof was refused (RFC 9449 §4.3, in the order of its checks).</summary>
public enum DPoPRefusal
{
    MultipleHeaders,
    Malformed,
    MissingClaim,
    Type,
    Algorithm,
    MissingKey,
    Signature,
    PrivateKey,
    Method,
    Uri,
    Nonce,
    IssuedTooLongAgo,
    IssuedInFuture,
    AccessTokenHash,
    Replayed,
}

/// <summary>A checked proof: the thumbprint of its key, or why it was refused.</summary>
public readonly record struct DPoPProofResult(string? Thumbprint, DPoPRefusal? Refusal)
{
    public bool NeedsNonce => Refusal == DPoPRefusal.Nonce;
}

/// <summary>
/// A DPoP proof JWT (RFC 9449 §4.2), clause by clause as §4.3 lists the checks. The claims are read only after the
/// signature is verified, and the <c>jti</c> is spent last (in the scope <c>dpop:{jkt}</c>, across nodes), so a
/// refused proof uses up nothing.
/// </summary>
public sealed class DPoPProofValidator(IReplayGuard replays, DPoPNonces nonces, IOptions<IdpOptions> options, TimeProvider clock)
{
    public const string HeaderName = "DPoP";
    public const string ProofType = "dpop+jwt";
    private const int MaxProofLength = 8192;
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The replay scope of proofs made with one key (<see cref="IReplayGuard"/>).</summary>
    public static string ReplayScope(string thumbprint) => "dpop:" + thumbprint;

    /// <summary>
    /// Checks <paramref name="proof"/> for a request of <paramref name="method"/> to <paramref name="url"/>; with
    /// <paramref name="accessToken"/> (a resource request, §7) the proof's <c>ath</c> must be its hash.
    /// </summary>
    public async Task<DPoPProofResult> ValidateAsync(string proof, string method, string url, string? accessToken, CancellationToken cancellationToken = default)
    {
        // §4.3 check 2: a well-formed JWT.
        if (proof.Length > MaxProofLength || !Handler.CanReadToken(proof))
            return Refused(DPoPRefusal.Malformed);
        JsonWebToken jwt;
        JsonElement header;
        try
        {
            jwt = new JsonWebToken(proof);
            using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader));
            header = document.RootElement.Clone();
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return Refused(DPoPRefusal.Malformed);
        }

        // Check 3: every required header parameter and claim is there (ath for resource requests; nonce checked below).
        if (!header.TryGetProperty("jwk", out var jwk)
            || !jwt.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti) || jti.Length > 512
            || !jwt.TryGetPayloadValue<string>("htm", out var htm)
            || !jwt.TryGetPayloadValue<string>("htu", out var htu)
            || !jwt.TryGetPayloadValue<long>("iat", out var iat))
            return Refused(DPoPRefusal.MissingClaim);

        // Check 4: typ is dpop+jwt (a media type: case-insensitive, RFC 2045 §5.1).
        if (!string.Equals(jwt.Typ, ProofType, StringComparison.OrdinalIgnoreCase))
            return Refused(DPoPRefusal.Type);
        // Check 5: an asymmetric algorithm we support; never none, never a MAC.
        if (!DPoPKeys.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
            return Refused(DPoPRefusal.Algorithm);
        // Check 7 before 6, since the key is needed for the signature: a public key, no private parts.
        var (key, thumbprint, keyRefusal) = DPoPKeys.Read(jwk);
        if (keyRefusal is not null)
            return Refused(keyRefusal.Value);

        // Check 6: the signature, by the key of the jwk header.
        var signature = await Handler.ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = DPoPKeys.Algorithms,
            ValidTypes = [jwt.Typ],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidateIssuerSigningKey = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        });
        if (!signature.IsValid)
            return Refused(DPoPRefusal.Signature);

        // Check 8: htm is the method of the request (RFC 9110 §9.1: case-sensitive).
        if (!string.Equals(htm, method, StringComparison.Ordinal))
            return Refused(DPoPRefusal.Method);
        // Check 9: htu is the request's URI, ignoring query and fragment, compared after normalisation (RFC 3986 §6.2.2, §6.2.3).
        if (!SameTarget(htu, url))
            return Refused(DPoPRefusal.Uri);

        // Check 10: the nonce we gave out, when we ask for nonces (§8, §9).
        if (nonces.Required && !(jwt.TryGetPayloadValue<string>("nonce", out var nonce) && nonces.IsValid(nonce)))
            return Refused(DPoPRefusal.Nonce);

        // Check 11: created within an acceptable window (§11.1).
        var settings = options.Value.DPoP;
        var now = clock.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (issuedAt + settings.ProofMaxAge < now)
            return Refused(DPoPRefusal.IssuedTooLongAgo);
        if (issuedAt - settings.ClockSkew > now)
            return Refused(DPoPRefusal.IssuedInFuture);

        // Check 12: at a protected resource, ath is the hash of the access token presented with it (§7).
        if (accessToken is not null
            && !(jwt.TryGetPayloadValue<string>("ath", out var ath) && Hashing.FixedTimeEquals(ath, DPoPKeys.AccessTokenHash(accessToken))))
            return Refused(DPoPRefusal.AccessTokenHash);

        // §11.1: a proof is used once, on every node, for as long as its iat could pass the window above.
        if (!await replays.TryUseAsync(ReplayScope(thumbprint!), jti, issuedAt + settings.ProofMaxAge + settings.ClockSkew, cancellationToken))
            return Refused(DPoPRefusal.Replayed);
        return new DPoPProofResult(thumbprint, null);
    }

    /// <summary>RFC 9449 §4.3 check 1: at most one DPoP header. Null with no header; an empty proof with several.</summary>
    public static string? ReadHeader(HttpRequest request, out bool several)
    {
        var values = request.Headers[HeaderName];
        several = values.Count > 1;
        return values.Count == 0 ? null : several ? "" : values[0];
    }

    internal static bool SameTarget(string htu, string url)
    {
        if (!Uri.TryCreate(htu, UriKind.Absolute, out var presented) || !Uri.TryCreate(url, UriKind.Absolute, out var expected))
            return false;
        return string.Equals(presented.Scheme, expected.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(presented.IdnHost, expected.IdnHost, StringComparison.OrdinalIgnoreCase)
            && presented.Port == expected.Port
            && string.Equals(presented.AbsolutePath, expected.AbsolutePath, StringComparison.Ordinal)
            && string.IsNullOrEmpty(presented.UserInfo);
    }

    private static DPoPProofResult Refused(DPoPRefusal refusal) => new(null, refusal);
}
