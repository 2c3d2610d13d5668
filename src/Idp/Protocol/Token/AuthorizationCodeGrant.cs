using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Authorize;
using Idp.Protocol.Token.Storage;
using Idp.Protocol.Tokens;
using Idp.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token;

/// <summary>
/// RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6). A code is redeemed once: the redemption is one conditional
/// update, so of two concurrent redemptions exactly one wins; a second redemption revokes what the first
/// one issued (RFC 6749 §4.1.2, RFC 9700 §4.5).
/// </summary>
public sealed class AuthorizationCodeGrant(
    IdpDbContext db,
    IGrantStore grants,
    TokenIssuer issuer,
    TokenRevoker revoker,
    TimeProvider clock,
    ILogger<AuthorizationCodeGrant> logger)
{
    public async Task<GrantResult> ExecuteAsync(Client client, RequestParameters parameters, string? dpopThumbprint, CancellationToken cancellationToken)
    {
        var code = parameters[Parameters.Code];
        if (code is null)
            return GrantResult.Fail(Errors.InvalidRequest, "code is missing.");
        var verifier = parameters[Parameters.CodeVerifier];

        var now = clock.GetUtcNow();
        var accessTokenId = Hashing.RandomToken(16);
        var (redeemed, refreshToken, failure) = await RedeemAsync(client, parameters, Hashing.Sha256(code), verifier, dpopThumbprint, accessTokenId, now, cancellationToken);
        if (failure is not null)
            return failure;
        var (stored, user) = (redeemed!.Grant, redeemed.User!);
        var scopes = stored.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var authentication = new AuthenticationFacts(stored.AuthTime, stored.Acr, stored.Amr, stored.SessionId);

        ClaimsRequest.TryParse(stored.ClaimsRequest, out var requested);
        var accessToken = await issuer.CreateAccessTokenAsync(client, stored.SubjectId, scopes, authentication, accessTokenId, cancellationToken, requested, dpopThumbprint);
        var idToken = scopes.Contains(Scopes.OpenId)
            ? await issuer.CreateIdTokenAsync(client, user, scopes, authentication, stored.Nonce, accessToken, await UserRoles.ForIdTokenAsync(db, user.Id, scopes, cancellationToken), cancellationToken, requested)
            : null;
        return new GrantResult(new TokenResponse(accessToken, TokenTypes.For(dpopThumbprint), client.AccessTokenLifetimeSeconds, stored.Scope, refreshToken, idToken), null);
    }

    /// <summary>
    /// The database's part, on one connection that is released before the tokens are signed: the code checked and
    /// redeemed (with its refresh token stored), with its user (active) and the refresh token to hand out; or why not.
    /// </summary>
    private async Task<(Redeemable<AuthorizationCode>? Redeemed, string? RefreshToken, GrantResult? Failure)> RedeemAsync(
        Client client, RequestParameters parameters, string id, string? verifier, string? dpopThumbprint, string accessTokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await grants.HoldConnectionAsync(cancellationToken);
        var refreshToken = RefreshTokenFormat.New(now);
        var keys = new RefreshKeys(RefreshTokenFormat.StorageId(refreshToken), Hashing.RandomToken(16), now + TimeSpan.FromSeconds(client.RefreshTokenLifetimeSeconds),
            // RFC 9449 §5: a public client's refresh token is bound to its DPoP key; a confidential client's is not,
            // since the client authenticates anyway.
            client.IsPublic ? dpopThumbprint : null);

        // Where the store can (PostgreSQL), a code as expected is redeemed with its refresh token in one statement, and
        // the user and the refresh token's rule are checked afterwards; a refusal undoes the exchange and the lookup
        // below answers as before (refuses, or redeems without a refresh token). Meanwhile the code reads as redeemed:
        // a concurrent request with it counts as a replay, as it would after a redemption.
        if (grants is ICodeExchange exchanges && client.MayRefresh())
        {
            var exchange = new CodeExchange(id, client.ClientId, now, parameters[Parameters.RedirectUri], verifier is not null,
                verifier is not null && Pkce.IsValidVerifier(verifier) ? Pkce.S256(verifier) : null, dpopThumbprint, accessTokenId, keys);
            if (await exchanges.TryExchangeAsync(exchange, cancellationToken) is { } exchanged)
            {
                if (exchanged.ActiveUser(now) is not null && IssuesRefresh(client, exchanged.Grant))
                    return (exchanged, refreshToken, null);
                await exchanges.UndoAsync(exchange, cancellationToken);
            }
        }

        var found = await grants.FindCodeAsync(id, cancellationToken);
        var stored = found?.Grant;
        if (stored is null || stored.ClientId != client.ClientId)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "The code is invalid."));
        if (stored.RedeemedAt is not null)
            return (null, null, await ReplayAsync(id, cancellationToken));
        if (stored.ExpiresAt <= now)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "The code has expired."));
        if (stored.RedirectUri.Length > 0 && parameters[Parameters.RedirectUri] != stored.RedirectUri)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "redirect_uri differs from the authorization request."));
        if (stored.CodeChallenge is null)
        {
            // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
            if (verifier is not null)
                return (null, null, GrantResult.Fail(Errors.InvalidGrant, "code_verifier sent, but the authorization request had no code_challenge."));
        }
        else if (verifier is null)
        {
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "code_verifier is missing."));
        }
        else if (!Pkce.Verify(verifier, stored.CodeChallenge))
        {
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "code_verifier does not match the code_challenge."));
        }

        // RFC 9449 §10: a code requested with dpop_jkt is redeemed only with a proof by that key.
        if (stored.DPoPJkt is not null && stored.DPoPJkt != dpopThumbprint)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "The code is bound to another DPoP key (dpop_jkt)."));

        var user = found!.ActiveUser(now);
        if (user is null)
            return (null, null, GrantResult.Fail(Errors.InvalidGrant, "The user can no longer sign in."));

        var refresh = IssuesRefresh(client, stored) ? CodeRefreshTokens.For(stored, keys, accessTokenId, now) : null;
        if (!await grants.RedeemCodeAsync(new CodeRedemption(id, now, accessTokenId, refresh), cancellationToken))
            return (null, null, await ReplayAsync(id, cancellationToken));
        return (found, refresh is null ? null : refreshToken, null);
    }

    /// <summary>
    /// With offline_access the refresh token outlives the session; without it, a client allowed to refresh gets one
    /// bound to the session, refused once the session ends (<see cref="RefreshTokenGrant"/>).
    /// </summary>
    private static bool IssuesRefresh(Client client, AuthorizationCode code) =>
        client.MayRefresh() && (code.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(Scopes.OfflineAccess) || code.SessionId is not null);

    private async Task<GrantResult> ReplayAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await db.AuthorizationCodes.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken);
        if (stored.IssuedRefreshTokenFamily is { } family)
            await revoker.RevokeFamilyAsync(stored.SubjectId, family, cancellationToken);
        if (stored.IssuedAccessTokenId is { } accessTokenId)
            await revoker.RevokeAccessTokenAsync(accessTokenId, clock.GetUtcNow() + TimeSpan.FromDays(1), cancellationToken);
        Log.CodeReplayed(logger, stored.ClientId, stored.SubjectId);
        return GrantResult.Fail(Errors.InvalidGrant, "The code was already used; the tokens issued for it are revoked.");
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Authorization code replayed by {ClientId} for {SubjectId}: issued tokens revoked")]
    public static partial void CodeReplayed(ILogger logger, string clientId, string subjectId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Refresh token reused by {ClientId} for {SubjectId}: family revoked")]
    public static partial void RefreshTokenReused(ILogger logger, string clientId, string subjectId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Refresh token of {ClientId} for {SubjectId} refused: {Reason}")]
    public static partial void RefreshTokenRefused(ILogger logger, string clientId, string subjectId, string reason);
}
