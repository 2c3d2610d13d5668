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

        var now = clock.GetUtcNow();
        var accessTokenId = Hashing.RandomToken(16);
        var next = RefreshTokenFormat.New(now);
        var exchange = new RefreshExchange(RefreshTokenFormat.StorageId(presented), client.ClientId, dpopThumbprint, now, RefreshTokenFormat.StorageId(next), accessTokenId);
        var (rotated, scopes, failure) = await RotateAsync(exchange, client, parameters[Parameters.Scope], cancellationToken);
        if (failure is not null)
            return failure;
        var (stored, user) = (rotated!.Grant, rotated.User!);

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
    /// The database's part, on one connection that is released before the tokens are signed: the token consumed and
    /// replaced, with its user (active) and the scopes to issue; or why not.
    /// </summary>
    private async Task<(Redeemable<RefreshToken>? Rotated, string[] Scopes, GrantResult? Failure)> RotateAsync(
        RefreshExchange exchange, Client client, string? requested, CancellationToken cancellationToken)
    {
        var (id, now) = (exchange.Id, exchange.Now);
        await using var connection = await grants.HoldConnectionAsync(cancellationToken);

        // Where the store can (PostgreSQL), a token as expected is consumed and replaced in one statement, and the user
        // is checked afterwards; a refusal undoes the exchange. Meanwhile the token reads as consumed: a concurrent
        // request with it counts as reuse, as it would after a successful rotation.
        var exchanges = requested is null ? grants as IRefreshTokenExchange : null;
        var found = exchanges is null ? null : await exchanges.TryExchangeAsync(exchange, cancellationToken);
        var exchanged = found is not null;
        string[] scopes;
        if (found is not null)
        {
            scopes = found.Grant.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        else
        {
            var lookedUp = await LookUpAsync(id, client, requested, exchange.DPoPJkt, now, cancellationToken);
            if (lookedUp.Failure is not null)
                return (null, [], lookedUp.Failure);
            (found, scopes) = (lookedUp.Found!, lookedUp.Scopes!);
        }
        var stored = found.Grant;

        var user = found.ActiveUser(now);
        var refusal = user is null
            ? "The user can no longer sign in."
            : await RefusalAsync(stored, user, stored.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries), now, cancellationToken);
        if (user is null || refusal is not null)
        {
            if (exchanged)
                await exchanges!.UndoAsync(exchange, cancellationToken);
            if (user is not null)
                Log.RefreshTokenRefused(logger, stored.ClientId, stored.SubjectId, refusal!);
            return (null, [], GrantResult.Fail(Errors.InvalidGrant, refusal!));
        }

        if (!exchanged)
        {
            var successor = RefreshRotation.Successor(stored, exchange.SuccessorId, now, exchange.AccessTokenId);
            if (!await grants.RotateRefreshTokenAsync(new RefreshRotation(id, now, successor), cancellationToken))
                return (null, [], await ReuseAsync(stored, cancellationToken));
        }
        return (found, scopes, null);
    }

    /// <summary>
    /// The token looked up and checked before anything is written: unknown, another client's or revoked; consumed
    /// (reuse); expired; bound to another key; or asked for more scope than granted. Else the scopes to issue.
    /// </summary>
    private async Task<(Redeemable<RefreshToken>? Found, string[]? Scopes, GrantResult? Failure)> LookUpAsync(
        string id, Client client, string? requested, string? dpopThumbprint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await grants.FindRefreshTokenAsync(id, cancellationToken);
        var stored = found?.Grant;
        if (stored is null || stored.ClientId != client.ClientId || stored.RevokedAt is not null)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "The refresh token is invalid."));
        if (stored.ConsumedAt is not null)
            return (null, null, await ReuseAsync(stored, cancellationToken));
        if (stored.ExpiresAt <= now)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "The refresh token has expired."));

        // RFC 9449 §5: a bound refresh token is used only with a proof by its key.
        if (stored.DPoPJkt is not null && stored.DPoPJkt != dpopThumbprint)
        {
            Log.RefreshTokenRefused(logger, stored.ClientId, stored.SubjectId, "DPoP key differs from the refresh token's");
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, dpopThumbprint is null
                ? "The refresh token is bound to a DPoP key; send a proof by that key."
                : "The refresh token is bound to another DPoP key."));
        }

        var granted = stored.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requested is null)
            return (found, granted, null);
        var scopes = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        return scopes.All(granted.Contains)
            ? (found, scopes, null)
            : (null, null, GrantResult.Fail(Errors.InvalidScope, "A refresh may only narrow the granted scope."));
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
        await revoker.RevokeFamilyAsync(stored.SubjectId, stored.FamilyId, cancellationToken);
        Log.RefreshTokenReused(logger, stored.ClientId, stored.SubjectId);
        metrics.RefreshTokenReused(stored.ClientId);
        return GrantResult.Fail(Errors.InvalidGrant, "The refresh token was already used; every token of its grant is revoked.");
    }
}
