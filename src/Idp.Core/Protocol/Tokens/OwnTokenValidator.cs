using Idp.Configuration;
using Idp.Data;
using Idp.Protocol.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Tokens;

/// <summary>A valid access token of ours.</summary>
public sealed record AccessTokenInfo(JsonWebToken Token, string Subject, string ClientId, IReadOnlyList<string> Scopes, string TokenId, DateTimeOffset ExpiresAt)
{
    /// <summary>Client-credentials tokens have the client as subject and speak of no user.</summary>
    public bool HasUser => Subject != ClientId || Token.TryGetPayloadValue<long>("auth_time", out _);
}

/// <summary>Validates tokens Idp issued itself: access tokens (userinfo, introspection, revocation) and ID token hints.</summary>
public sealed class OwnTokenValidator(ISigningKeyStore keys, OpaqueAccessTokens opaque, IdpDbContext db, IOptions<IdpOptions> options, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The access token if it is ours, correctly signed, unexpired (unless told otherwise) and not revoked.</summary>
    public async Task<AccessTokenInfo?> ValidateAccessTokenAsync(string? token, bool checkLifetime = true, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
            return null;
        var jwt = OpaqueAccessTokens.IsOpaque(token) ? OpenOpaque(token, checkLifetime) : await ValidateJwtAsync(token, checkLifetime, cancellationToken);
        if (jwt is null)
            return null;
        if (!jwt.TryGetPayloadValue<string>("client_id", out var clientId) || !jwt.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jwt.Subject))
            return null;
        if (await db.RevokedAccessTokens.AsNoTracking().AnyAsync(t => t.TokenId == jti, cancellationToken))
            return null;
        jwt.TryGetPayloadValue<string>("scope", out var scope);
        return new AccessTokenInfo(jwt, jwt.Subject, clientId, (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), jti, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    private async Task<JsonWebToken?> ValidateJwtAsync(string token, bool checkLifetime, CancellationToken cancellationToken)
    {
        var result = await Handler.ValidateTokenAsync(token, await ParametersAsync([TokenIssuer.AccessTokenType], checkLifetime, cancellationToken));
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    /// <summary>Sealed by us, so authentic; the issuer and lifetime are checked as for a JWT.</summary>
    private JsonWebToken? OpenOpaque(string token, bool checkLifetime) =>
        opaque.Open(token) is { } jwt && jwt.Issuer == options.Value.Issuer
            && (!checkLifetime || IsWithinLifetime(jwt.ValidFrom == DateTime.MinValue ? null : jwt.ValidFrom, jwt.ValidTo))
            ? jwt
            : null;

    /// <summary>
    /// An ID token of ours used as a hint (OpenID Connect Core §3.1.2.1, RP-Initiated Logout §2): the signature and
    /// issuer must be right; it may have expired.
    /// </summary>
    public async Task<JsonWebToken?> ValidateIdTokenHintAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
            return null;
        var parameters = await ParametersAsync(null, checkLifetime: false, cancellationToken);
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || string.IsNullOrEmpty(jwt.Subject))
            return null;
        // ID tokens carry no typ of their own; refuse access and logout tokens used as hints.
        return jwt.Typ is TokenIssuer.AccessTokenType or TokenIssuer.LogoutTokenType ? null : jwt;
    }

    private async Task<TokenValidationParameters> ParametersAsync(string[]? types, bool checkLifetime, CancellationToken cancellationToken) => new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidateAudience = false,
        ValidateLifetime = checkLifetime,
        LifetimeValidator = checkLifetime ? (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires) : null,
        IssuerSigningKeys = await keys.GetValidationKeysAsync(cancellationToken),
        ValidTypes = types,
        ValidAlgorithms = ["RS256", "ES256"],
        ClockSkew = options.Value.Tokens.ClockSkew,
    };

    /// <summary>Token lifetimes are judged by the injected clock, so tests can move time.</summary>
    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var skew = options.Value.Tokens.ClockSkew;
        return expires is { } exp && now < exp + skew && (notBefore is not { } nbf || nbf - skew <= now);
    }
}
