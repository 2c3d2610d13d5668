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

    /// <summary>Keeps the request's connection open for a grant's statements where they use it (not SQLite's, which has its own).</summary>
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
public sealed record RefreshRotation(string ConsumedId, DateTimeOffset ConsumedAt, RefreshToken Next);
