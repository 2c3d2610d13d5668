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
        var now = clock.GetUtcNow();
        await using var serviceScope = scopes.CreateAsyncScope();
        var db = serviceScope.ServiceProvider.GetRequiredService<IdpDbContext>();

        // A plain replay is answered by a read, so it does not show up as a failed insert in the database log.
        var existing = await db.UsedJtis.AsNoTracking()
            .Where(u => u.Scope == scope && u.JtiHash == hash)
            .Select(u => (DateTimeOffset?)u.ExpiresAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            db.UsedJtis.Add(new UsedJti { Scope = scope, JtiHash = hash, ExpiresAt = expiresAt });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                // Another request (on any node) inserted it first: the key decides, so this one is the replay.
                return false;
            }
        }
        if (existing >= now)
            return false;

        // A leftover of an expired JWT the cleanup has not removed yet: taken over by one conditional update, so of
        // two concurrent uses only one wins.
        var reclaimed = await db.UsedJtis
            .Where(u => u.Scope == scope && u.JtiHash == hash && u.ExpiresAt < now)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.ExpiresAt, expiresAt), cancellationToken);
        return reclaimed == 1;
    }
}
