using System.Security.Cryptography;
using System.Text;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Protocol.Keys;
using Idp.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Tokens;

/// <summary>How and when the user authenticated, carried from the session into codes, tokens and refreshes.</summary>
public sealed record AuthenticationFacts(DateTimeOffset AuthTime, string Acr, string Amr, string? SessionId)
{
    public string[] AmrValues => Amr.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Creates and signs ID tokens, JWT access tokens (RFC 9068) and logout tokens; seals opaque access tokens.</summary>
public sealed class TokenIssuer(ISigningKeyStore keys, OpaqueAccessTokens opaque, IOptions<IdpOptions> options, TimeProvider clock)
{
    public const string AccessTokenType = "at+jwt";
    public const string LogoutTokenType = "logout+jwt";
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issuer => options.Value.Issuer;

    /// <summary>The audience of access tokens: the resource servers that accept Idp's tokens.</summary>
    public string AccessTokenAudience => options.Value.Tokens.AccessTokenAudience ?? Issuer + "/resources";

    /// <summary>Claim of an access token listing the claims requested for userinfo (already limited to what the client may receive).</summary>
    public const string UserInfoClaimsClaim = "userinfo_claims";

    public async Task<string> CreateAccessTokenAsync(Client client, string subject, IReadOnlyCollection<string> scopes, AuthenticationFacts? authentication, string tokenId, CancellationToken cancellationToken = default, ClaimsRequest? requested = null, string? dpopThumbprint = null)
    {
        var now = clock.GetUtcNow();
        var claims = new Dictionary<string, object>(10)
        {
            ["sub"] = subject,
            ["client_id"] = client.ClientId,
            ["jti"] = tokenId,
        };
        if (scopes.Count > 0)
            claims["scope"] = string.Join(' ', scopes);
        if (authentication is not null)
        {
            claims["auth_time"] = authentication.AuthTime.ToUnixTimeSeconds();
            claims["acr"] = authentication.Acr;
            claims["amr"] = authentication.AmrValues;
            if (authentication.SessionId is not null)
                claims["sid"] = authentication.SessionId;
        }
        if (requested is { UserInfo.Count: > 0 } && UserClaims.Releasable(client, scopes, requested.UserInfo) is { Count: > 0 } userInfoClaims)
            claims[UserInfoClaimsClaim] = userInfoClaims;
        // RFC 9449 §6.1: bound to the key of the DPoP proof.
        if (dpopThumbprint is not null)
            claims["cnf"] = DPoP.DPoPKeys.Confirmation(dpopThumbprint);
        if (authentication is not null && IsOpaque(client, scopes))
            return Seal(claims, now, TimeSpan.FromSeconds(client.AccessTokenLifetimeSeconds));
        return await SignAsync(client.SigningAlgorithm, AccessTokenAudience, now, TimeSpan.FromSeconds(client.AccessTokenLifetimeSeconds), claims, AccessTokenType, cancellationToken);
    }

    public async Task<string> CreateIdTokenAsync(Client client, IdpUser user, IReadOnlyCollection<string> scopes, AuthenticationFacts authentication, string? nonce, string? accessToken, IReadOnlyCollection<string>? roles = null, CancellationToken cancellationToken = default, ClaimsRequest? requested = null)
    {
        var now = clock.GetUtcNow();
        var claims = new Dictionary<string, object>(16)
        {
            ["sub"] = user.Id,
            ["auth_time"] = authentication.AuthTime.ToUnixTimeSeconds(),
            ["acr"] = authentication.Acr,
            ["amr"] = authentication.AmrValues,
            ["azp"] = client.ClientId,
        };
        if (authentication.SessionId is not null)
            claims["sid"] = authentication.SessionId;
        if (nonce is not null)
            claims["nonce"] = nonce;
        if (accessToken is not null)
            claims["at_hash"] = LeftHalfHash(accessToken);
        UserClaims.Add(claims, user, scopes);
        if (requested is { IdToken.Count: > 0 })
            UserClaims.AddRequested(claims, user, UserClaims.Releasable(client, scopes, requested.IdToken));
        if (roles is not null && scopes.Contains(Scopes.Roles))
            claims["roles"] = roles.Order(StringComparer.Ordinal).ToArray();
        return await SignAsync(client.SigningAlgorithm, client.ClientId, now, TimeSpan.FromSeconds(client.IdTokenLifetimeSeconds), claims, null, cancellationToken);
    }

    /// <summary>
    /// A user's access token that only userinfo accepts (no scope beyond OpenID Connect's) is opaque when the client
    /// asks for it; a token for an API scope stays a JWT, since resource servers validate it themselves.
    /// </summary>
    private static bool IsOpaque(Client client, IReadOnlyCollection<string> scopes) =>
        client.UserInfoAccessTokens == AccessTokenFormat.Opaque && scopes.All(Scopes.UserScopes.Contains);

    private string Seal(Dictionary<string, object> claims, DateTimeOffset now, TimeSpan lifetime)
    {
        claims["iss"] = Issuer;
        claims["aud"] = AccessTokenAudience;
        claims["iat"] = claims["nbf"] = now.ToUnixTimeSeconds();
        claims["exp"] = (now + lifetime).ToUnixTimeSeconds();
        return opaque.Seal(claims);
    }

    /// <summary>OpenID Connect Back-Channel Logout 1.0 §2.4.</summary>
    public Task<string> CreateLogoutTokenAsync(Client client, string subject, string? sessionId, CancellationToken cancellationToken = default)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["jti"] = Hashing.RandomToken(16),
            ["events"] = new Dictionary<string, object> { [BackChannelLogoutEvent] = new Dictionary<string, object>() },
        };
        if (sessionId is not null)
            claims["sid"] = sessionId;
        return SignAsync(client.SigningAlgorithm, client.ClientId, clock.GetUtcNow(), TimeSpan.FromMinutes(2), claims, LogoutTokenType, cancellationToken);
    }

    /// <summary>OpenID Connect Core §3.1.3.6: the left half of the SHA-256 of the token, base64url (RS256 and ES256 both use SHA-256).</summary>
    public static string LeftHalfHash(string token)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(token), hash);
        return Hashing.Base64Url(hash[..16]);
    }

    private async Task<string> SignAsync(string algorithm, string audience, DateTimeOffset now, TimeSpan lifetime, Dictionary<string, object> claims, string? tokenType, CancellationToken cancellationToken)
    {
        var credentials = await keys.GetSigningCredentialsAsync(algorithm, cancellationToken);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
        };
        if (tokenType is not null)
            descriptor.TokenType = tokenType;
        return Handler.CreateToken(descriptor);
    }
}
