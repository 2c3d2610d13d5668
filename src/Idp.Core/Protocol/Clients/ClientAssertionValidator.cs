using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Clients;

/// <summary>Why a client assertion was refused; logged, never shown in detail to the caller.</summary>
public enum AssertionRefusal
{
    Malformed,
    Algorithm,
    UnknownKey,
    Signature,
    Issuer,
    Subject,
    Audience,
    MissingExpiry,
    Expired,
    NotYetValid,
    IssuedInFuture,
    LifetimeTooLong,
    MissingJti,
    Replayed,
}

/// <summary>
/// A <c>private_key_jwt</c> client assertion (RFC 7523 §3, OpenID Connect Core §9), clause by clause. The claims are
/// only read after the signature is verified, and the <c>jti</c> is spent last, so a refused assertion uses up nothing.
/// </summary>
public sealed class ClientAssertionValidator(ClientKeys keys, IReplayGuard replays, IOptions<IdpOptions> options, TimeProvider clock)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>The replay scope of a client's assertions (<see cref="IReplayGuard"/>).</summary>
    public static string ReplayScope(string clientId) => "client_assertion:" + clientId;

    private const int MaxAssertionLength = 8192;
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Null when the assertion authenticates <paramref name="client"/> at <paramref name="endpointUrl"/>; otherwise why not.</summary>
    public async Task<AssertionRefusal?> ValidateAsync(Client client, string assertion, string endpointUrl, CancellationToken cancellationToken = default)
    {
        if (assertion.Length > MaxAssertionLength || !Handler.CanReadToken(assertion))
            return AssertionRefusal.Malformed;
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(assertion);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException)
        {
            return AssertionRefusal.Malformed;
        }

        // RFC 8725 §3.1: only the asymmetric algorithms we name; never "none", never a MAC keyed with a public key.
        if (!ClientAuthMethods.AssertionAlgorithms.Contains(jwt.Alg))
            return AssertionRefusal.Algorithm;
        var candidates = await keys.GetKeysAsync(client, string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid, cancellationToken);
        if (candidates.Count == 0)
            return AssertionRefusal.UnknownKey;
        var signature = await Handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKeys = candidates,
            TryAllIssuerSigningKeys = true,
            ValidAlgorithms = ClientAuthMethods.AssertionAlgorithms,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        });
        if (!signature.IsValid)
            return AssertionRefusal.Signature;

        // RFC 7523 §3 items 1 and 2: the client is both issuer and subject.
        if (jwt.Issuer != client.ClientId)
            return AssertionRefusal.Issuer;
        if (jwt.Subject != client.ClientId)
            return AssertionRefusal.Subject;

        // Item 3: the audience identifies us: the issuer, the token endpoint, or the endpoint that received it (RFC 9126 §2).
        var issuer = options.Value.Issuer;
        string[] audiences = [issuer, issuer + EndpointPaths.Token, endpointUrl];
        if (!jwt.Audiences.Any(a => audiences.Contains(a, StringComparer.Ordinal)))
            return AssertionRefusal.Audience;
        // FAPI 2.0 §5.3.2.1 item 8: only the issuer identifier, as a string (not an array holding it).
        if (ClientProfiles.AcceptsOnlyIssuerAsAssertionAudience(client) && !IsSingleAudience(jwt, issuer))
            return AssertionRefusal.Audience;

        // Items 4 to 6: exp required, nbf honoured, a short life.
        var settings = options.Value.ClientAuthentication;
        var now = clock.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var expSeconds))
            return AssertionRefusal.MissingExpiry;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expSeconds);
        if (expiresAt + settings.ClockSkew <= now)
            return AssertionRefusal.Expired;
        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - settings.ClockSkew > now)
            return AssertionRefusal.NotYetValid;
        var issuedAt = now;
        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
        {
            issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
            if (issuedAt - settings.ClockSkew > now)
                return AssertionRefusal.IssuedInFuture;
        }
        if (expiresAt - (issuedAt < now ? issuedAt : now) > settings.AssertionMaxLifetime)
            return AssertionRefusal.LifetimeTooLong;

        // Item 7: jti once only, on every node, until the assertion could no longer pass the checks above.
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti) || jti.Length > 512)
            return AssertionRefusal.MissingJti;
        if (!await replays.TryUseAsync(ReplayScope(client.ClientId), jti, expiresAt + settings.ClockSkew, cancellationToken))
            return AssertionRefusal.Replayed;
        return null;
    }

    private static bool IsSingleAudience(JsonWebToken jwt, string audience)
    {
        try
        {
            using var payload = System.Text.Json.JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            return payload.RootElement.TryGetProperty(JwtRegisteredClaimNames.Aud, out var aud)
                && aud.ValueKind == System.Text.Json.JsonValueKind.String
                && aud.GetString() == audience;
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or FormatException or ArgumentException)
        {
            return false;
        }
    }
}
