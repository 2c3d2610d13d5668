using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Token.Storage;
using Idp.Protocol.Tokens;
using Idp.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token;

/// <summary>
/// RFC 6749 §6 with rotation on every use (RFC 9700 §4.14.2): the old token is consumed by one conditional
/// update; presenting a consumed token again revokes the whole family. The absolute lifetime is kept.
/// </summary>
public sealed class RefreshTokenGrant(
    IdpDbContext db,
    IGrantStore grants,
    TokenIssuer issuer,
    TokenRevoker revoker,
    TimeProvider clock,
    Operations.IdpMetrics metrics,
    ILogger<RefreshTokenGrant> logger)
{
    public async Task<GrantResult> ExecuteAsync(Client client, RequestParameters parameters, string? dpopThumbprint, CancellationToken cancellationToken)
    {
        var presented = parameters[Parameters.RefreshToken];
        if (presented is null)
            return GrantResult.Fail(Errors.InvalidRequest, "refresh_token is missing.");

        var id = Hashing.Sha256(presented);
        var now = clock.GetUtcNow();
        await using var connection = await grants.HoldConnectionAsync(cancellationToken);
        var found = await grants.FindRefreshTokenAsync(id, cancellationToken);
        var stored = found?.Grant;
        if (stored is null || stored.ClientId != client.ClientId || stored.RevokedAt is not null)
            return GrantResult.Fail(Errors.InvalidGrant, "The refresh token is invalid.");
        if (stored.ConsumedAt is not null)
            return await ReuseAsync(stored, cancellationToken);
        if (stored.ExpiresAt <= now)
            return GrantResult.Fail(Errors.InvalidGrant, "The refresh token has expired.");

        // RFC 9449 §5: a bound refresh token is used only with a proof by its key.
        if (stored.DPoPJkt is not null && stored.DPoPJkt != dpopThumbprint)
        {
            Log.RefreshTokenRefused(logger, stored.ClientId, stored.SubjectId, "DPoP key differs from the refresh token's");
            return GrantResult.Fail(Errors.InvalidGrant, dpopThumbprint is null
                ? "The refresh token is bound to a DPoP key; send a proof by that key."
                : "The refresh token is bound to another DPoP key.");
        }

        var granted = stored.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var scopes = granted;
        if (parameters[Parameters.Scope] is { } requested)
        {
            scopes = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            if (scopes.Any(s => !granted.Contains(s)))
                return GrantResult.Fail(Errors.InvalidScope, "A refresh may only narrow the granted scope.");
        }

        var user = found!.ActiveUser(now);
        if (user is null)
            return GrantResult.Fail(Errors.InvalidGrant, "The user can no longer sign in.");
        if (await RefusalAsync(stored, user, granted, now, cancellationToken) is { } refusal)
        {
            Log.RefreshTokenRefused(logger, stored.ClientId, stored.SubjectId, refusal);
            return GrantResult.Fail(Errors.InvalidGrant, refusal);
        }

        var accessTokenId = Hashing.RandomToken(16);
        var next = Hashing.RandomToken(32);
        var successor = new RefreshToken
        {
            Id = Hashing.Sha256(next),
            FamilyId = stored.FamilyId,
            ClientId = stored.ClientId,
            SubjectId = stored.SubjectId,
            SessionId = stored.SessionId,
            Scope = stored.Scope,
            AuthTime = stored.AuthTime,
            Acr = stored.Acr,
            Amr = stored.Amr,
            ClaimsRequest = stored.ClaimsRequest,
            CreatedAt = now,
            ExpiresAt = stored.ExpiresAt,
            AccessTokenId = accessTokenId,
            DPoPJkt = stored.DPoPJkt,
        };
        if (!await grants.RotateRefreshTokenAsync(new RefreshRotation(id, now, successor), cancellationToken))
            return await ReuseAsync(stored, cancellationToken);

        var authentication = new AuthenticationFacts(stored.AuthTime, stored.Acr, stored.Amr, stored.SessionId);
        ClaimsRequest.TryParse(stored.ClaimsRequest, out var claimsRequest);
        var accessToken = await issuer.CreateAccessTokenAsync(client, stored.SubjectId, scopes, authentication, accessTokenId, cancellationToken, claimsRequest, dpopThumbprint);
        // OpenID Connect Core §12.2: a new ID token for the same authentication, without a nonce.
        var idToken = scopes.Contains(Scopes.OpenId)
            ? await issuer.CreateIdTokenAsync(client, user, scopes, authentication, null, accessToken, await UserRoles.ForIdTokenAsync(db, user.Id, scopes, cancellationToken), cancellationToken, claimsRequest)
            : null;
        return new GrantResult(new TokenResponse(accessToken, TokenTypes.For(dpopThumbprint), client.AccessTokenLifetimeSeconds, string.Join(' ', scopes), next, idToken), null);
    }

    /// <summary>
    /// A token without <c>offline_access</c> lives only as long as its session. A token from an authentication older
    /// than the user's last credentials change (<see cref="IdpUser.CredentialsChangedAt"/>) is refused whatever its
    /// scope, unless its session is still active: only the session that changed the password survives the change.
    /// At most one lookup by primary key, and only for those two cases.
    /// </summary>
    private async Task<string?> RefusalAsync(RefreshToken stored, IdpUser user, string[] granted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var credentialsChanged = user.CredentialsChangedAt > stored.AuthTime;
        if (granted.Contains(Scopes.OfflineAccess) && !credentialsChanged)
            return null;
        var sessionActive = stored.SessionId is { } sessionId && await db.UserSessions.AnyAsync(
            s => s.Id == sessionId && s.SubjectId == stored.SubjectId && s.EndedAt == null && s.ExpiresAt > now, cancellationToken);
        if (sessionActive)
            return null;
        return credentialsChanged
            ? "The user's credentials changed after this refresh token was issued."
            : "The session this refresh token belongs to has ended.";
    }

    private async Task<GrantResult> ReuseAsync(RefreshToken stored, CancellationToken cancellationToken)
    {
        await revoker.RevokeFamilyAsync(stored.FamilyId, cancellationToken);
        Log.RefreshTokenReused(logger, stored.ClientId, stored.SubjectId);
        metrics.RefreshTokenReused(stored.ClientId);
        return GrantResult.Fail(Errors.InvalidGrant, "The refresh token was already used; every token of its grant is revoked.");
    }
}
