using Idp.Data.Entities;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// The writes of the code flow and of refresh, the only writes on the hot path of the token and authorize
/// endpoints, and the lookups beside them. Each is durable when its task completes, and each conditional write is atomic: of two concurrent
/// redemptions of one code (or rotations of one refresh token) exactly one returns true.
/// </summary>
public interface IGrantStore
{
    /// <summary>A code with its user (null user: the account is gone), or null.</summary>
    Task<Redeemable<AuthorizationCode>?> FindCodeAsync(string id, CancellationToken cancellationToken);

    /// <summary>A refresh token with its user (null user: the account is gone), or null.</summary>
    Task<Redeemable<RefreshToken>?> FindRefreshTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Keeps the request's connection open for a grant's statements where they use it (SQL Server's; SQLite's and PostgreSQL's writes have connections of their own).</summary>
    Task<IAsyncDisposable> HoldConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new authorization code.</summary>
    Task StoreCodeAsync(AuthorizationCode code, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the code redeemed, if it was not, recording what the redemption issued, and stores the redemption's refresh
    /// token in the same transaction. False: the code was already redeemed (nothing written).
    /// </summary>
    Task<bool> RedeemCodeAsync(CodeRedemption redemption, CancellationToken cancellationToken);

    /// <summary>
    /// Consumes the refresh token, if it is neither consumed nor revoked, and stores its successor in the same
    /// transaction. False: the token was already consumed or revoked (nothing written).
    /// </summary>
    Task<bool> RotateRefreshTokenAsync(RefreshRotation rotation, CancellationToken cancellationToken);
}

/// <summary>A code's redemption: <see cref="Refresh"/> is the refresh token issued with it, if any.</summary>
public sealed record CodeRedemption(string CodeId, DateTimeOffset RedeemedAt, string AccessTokenId, RefreshToken? Refresh);

/// <summary>A refresh token's rotation: <see cref="Next"/> replaces the consumed token.</summary>
public sealed record RefreshRotation(string ConsumedId, DateTimeOffset ConsumedAt, RefreshToken Next)
{
    /// <summary>The token that replaces <paramref name="consumed"/>: the same grant, its own id and access token, the same absolute expiry.</summary>
    public static RefreshToken Successor(RefreshToken consumed, string id, DateTimeOffset now, string accessTokenId) => new()
    {
        Id = id,
        FamilyId = consumed.FamilyId,
        ClientId = consumed.ClientId,
        SubjectId = consumed.SubjectId,
        SessionId = consumed.SessionId,
        Scope = consumed.Scope,
        AuthTime = consumed.AuthTime,
        Acr = consumed.Acr,
        Amr = consumed.Amr,
        ClaimsRequest = consumed.ClaimsRequest,
        CreatedAt = now,
        ExpiresAt = consumed.ExpiresAt,
        AccessTokenId = accessTokenId,
        DPoPJkt = consumed.DPoPJkt,
    };
}

/// <summary>
/// A store that can rotate a refresh token in one statement (PostgreSQL): lookup, consumption and the successor's
/// insert in one round trip instead of two. The grant checks the user afterwards and undoes a refused exchange.
/// </summary>
public interface IRefreshTokenExchange
{
    /// <summary>
    /// If the token is of the client, neither consumed nor revoked nor expired at <see cref="RefreshExchange.Now"/>, and
    /// bound to the proof's key if bound: consumes it, stores its successor (<see cref="RefreshRotation.Successor"/>)
    /// and returns the consumed token with its user. Null: nothing written; a lookup tells why.
    /// </summary>
    Task<Redeemable<RefreshToken>?> TryExchangeAsync(RefreshExchange exchange, CancellationToken cancellationToken);

    /// <summary>Undoes an exchange the grant refused afterwards: the successor is deleted and the token no longer consumed.</summary>
    Task UndoAsync(RefreshExchange exchange, CancellationToken cancellationToken);
}

/// <summary>A refresh token's exchange: the presented token's key, the client and proof key it must match, and the successor's keys.</summary>
public sealed record RefreshExchange(string Id, string ClientId, string? DPoPJkt, DateTimeOffset Now, string SuccessorId, string AccessTokenId);

/// <summary>The refresh token a code's redemption issues: the code's grant, its own keys (<see cref="RefreshKeys"/>) and access token.</summary>
public static class CodeRefreshTokens
{
    public static RefreshToken For(AuthorizationCode code, RefreshKeys keys, string accessTokenId, DateTimeOffset now) => new()
    {
        Id = keys.Id,
        FamilyId = keys.FamilyId,
        ClientId = code.ClientId,
        SubjectId = code.SubjectId,
        SessionId = code.SessionId,
        Scope = code.Scope,
        AuthTime = code.AuthTime,
        Acr = code.Acr,
        Amr = code.Amr,
        ClaimsRequest = code.ClaimsRequest,
        CreatedAt = now,
        ExpiresAt = keys.ExpiresAt,
        AccessTokenId = accessTokenId,
        DPoPJkt = keys.DPoPJkt,
    };
}

/// <summary>What a code's refresh token gets besides the code's grant: its key (the token's hash), family, expiry and DPoP binding.</summary>
public sealed record RefreshKeys(string Id, string FamilyId, DateTimeOffset ExpiresAt, string? DPoPJkt);

/// <summary>
/// A store that can redeem a code in one statement (PostgreSQL): the code's conditions, its redemption and the insert
/// of its refresh token (<see cref="CodeRefreshTokens.For"/>) in one round trip instead of a lookup and a write. The
/// grant checks the user and whether a refresh token is issued afterwards, and undoes an exchange it refuses.
/// </summary>
public interface ICodeExchange
{
    /// <summary>
    /// If the code is the client's, not redeemed, not expired at <see cref="CodeExchange.Now"/>, its
    /// <c>redirect_uri</c> and PKCE challenge match and it is bound to the proof's key if bound: redeems it, stores
    /// the refresh token and returns the code with its user. Null: nothing written; a lookup tells why.
    /// </summary>
    Task<Redeemable<AuthorizationCode>?> TryExchangeAsync(CodeExchange exchange, CancellationToken cancellationToken);

    /// <summary>Undoes an exchange the grant refused afterwards: the refresh token is deleted and the code no longer redeemed.</summary>
    Task UndoAsync(CodeExchange exchange, CancellationToken cancellationToken);
}

/// <summary>
/// A code's exchange: the code's key, the client, the request's <c>redirect_uri</c>, whether it sent a
/// <c>code_verifier</c> and the verifier's S256 challenge (null when the verifier is malformed), the proof's key,
/// and the keys of what the redemption issues.
/// </summary>
public sealed record CodeExchange(
    string Id, string ClientId, DateTimeOffset Now, string? RedirectUri, bool VerifierSent, string? VerifierChallenge, string? DPoPJkt,
    string AccessTokenId, RefreshKeys Refresh);
