using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.Security;

/// <summary>
/// Single use of a JWT id (<c>jti</c>) within a scope until the JWT expires, across all nodes: the first use inserts
/// a <see cref="UsedJti"/> row, a second use hits its primary key. For client assertions (RFC 7523 §3 item 7) and DPoP proofs.
/// </summary>
public interface IReplayGuard
{
    /// <summary>True the first time <paramref name="jti"/> is used in <paramref name="scope"/>; false for a replay.</summary>
    Task<bool> TryUseAsync(string scope, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}

public sealed class ReplayGuard(IServiceScopeFactory scopes, TimeProvider clock) : IReplayGuard
{
    public async Task<bool> TryUseAsync(string scope, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(jti);
        var hash = Hashing.Sha256(jti);
        // A context of its own: a failed insert must not leave a broken entity in the caller's change tracker.
        await using (var serviceScope = scopes.CreateAsyncScope())
        {
            var db = serviceScope.ServiceProvider.GetRequiredService<IdpDbContext>();
            db.UsedJtis.Add(new UsedJti { Scope = scope, JtiHash = hash, ExpiresAt = expiresAt });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                // The key exists: a replay, unless the row is a leftover of an expired JWT the cleanup has not yet removed.
            }
        }

        await using var retryScope = scopes.CreateAsyncScope();
        var retry = retryScope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var now = clock.GetUtcNow();
        var reclaimed = await retry.UsedJtis
            .Where(u => u.Scope == scope && u.JtiHash == hash && u.ExpiresAt < now)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.ExpiresAt, expiresAt), cancellationToken);
        return reclaimed == 1;
    }
}
