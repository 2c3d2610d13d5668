using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Authentication;

/// <summary>What an ID token must say for this sign-in.</summary>
/// <param name="Issuer">Idp's issuer identifier (from discovery).</param>
/// <param name="ClientId">The portal's client_id: the audience.</param>
/// <param name="Nonce">The nonce sent with this authorization request.</param>
/// <param name="AccessToken">The access token from the same token response, for <c>at_hash</c>.</param>
public sealed record IdTokenExpectations(string Issuer, string ClientId, string Nonce, string? AccessToken);

public sealed record IdTokenValidationResult(JsonWebToken? Token, string? Error, bool UnknownSigningKey)
{
    public static IdTokenValidationResult Valid(JsonWebToken token) => new(token, null, false);
    public static IdTokenValidationResult Invalid(string error, bool unknownSigningKey = false) => new(null, error, unknownSigningKey);
}

/// <summary>ID token validation for the authorization code flow: OpenID Connect Core 1.0 §3.1.3.7 and §3.1.3.8.</summary>
public sealed class IdTokenValidator(TimeProvider timeProvider)
{
    /// <summary>The algorithms Idp signs with; anything else (HS256, none) is refused.</summary>
    public static readonly IReadOnlyList<string> Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public async Task<IdTokenValidationResult> ValidateAsync(string idToken, IdTokenExpectations expected, IEnumerable<SecurityKey> signingKeys)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = expected.Issuer,             // step 2
            ValidAudience = expected.ClientId,         // step 3
            IssuerSigningKeys = signingKeys,           // step 6: signature with a key from Idp's JWKS
            ValidAlgorithms = Algorithms,              // step 7
            RequireSignedTokens = true,
            RequireExpirationTime = true,              // step 9
            ValidateLifetime = true,
            LifetimeValidator = IsWithinLifetime,      // step 9, on the injected clock
            NameClaimType = "name",
            RoleClaimType = "role",
        };

        var result = await handler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid)
        {
            var exception = result.Exception;
            return IdTokenValidationResult.Invalid(
                exception is null ? "invalid token" : $"{exception.GetType().Name}: {exception.Message}",
                unknownSigningKey: exception is SecurityTokenSignatureKeyNotFoundException);
        }

        var token = (JsonWebToken)result.SecurityToken;
        return CheckClaims(token, expected) is { } error
            ? IdTokenValidationResult.Invalid(error)
            : IdTokenValidationResult.Valid(token);
    }

    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return expires is { } exp && now < exp + ClockSkew
            && (notBefore is not { } nbf || nbf - ClockSkew <= now);
    }

    private static string? CheckClaims(JsonWebToken token, IdTokenExpectations expected)
    {
        // §2: sub and iat are required.
        if (string.IsNullOrEmpty(token.Subject))
            return "the ID token has no sub.";
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
            return "the ID token has no iat.";

        // §3.1.3.7 step 11: the nonce must be the one sent with the request.
        if (!token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Nonce, out var nonce) || !FixedTimeEquals(nonce, expected.Nonce))
            return "the ID token's nonce does not match the authorization request.";

        // Steps 4 and 5: with several audiences azp is required; when present it must be this client.
        var audiences = token.Audiences.ToList();
        var hasAzp = token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Azp, out var azp);
        if (audiences.Count > 1 && !hasAzp)
            return "the ID token has several audiences but no azp.";
        if (hasAzp && !string.Equals(azp, expected.ClientId, StringComparison.Ordinal))
            return "the ID token's azp is not this client.";

        // §3.1.3.8 (and §3.2.2.9): at_hash, when present, binds the access token to the ID token.
        if (token.TryGetPayloadValue<string>("at_hash", out var atHash))
        {
            if (expected.AccessToken is null)
                return "the ID token has an at_hash but there is no access token.";
            if (!FixedTimeEquals(atHash, ComputeTokenHash(expected.AccessToken, token.Alg)))
                return "the ID token's at_hash does not match the access token.";
        }

        return null;
    }

    /// <summary>The left half of the hash of the token's ASCII octets, base64url: the hash named by the JWS alg's size.</summary>
    public static string ComputeTokenHash(string value, string algorithm)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        var hash = algorithm[^3..] switch
        {
            "256" => SHA256.HashData(bytes),
            "384" => SHA384.HashData(bytes),
            "512" => SHA512.HashData(bytes),
            _ => throw new NotSupportedException($"No token hash for algorithm '{algorithm}'."),
        };
        return Base64Url.EncodeToString(hash.AsSpan(0, hash.Length / 2));
    }

    private static bool FixedTimeEquals(string? actual, string expected) =>
        actual is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));
}
