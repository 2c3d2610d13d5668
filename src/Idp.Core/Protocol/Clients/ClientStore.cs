using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Idp.Protocol.Clients;

public interface IClientStore
{
    /// <summary>The enabled client with this id, or null.</summary>
    ValueTask<Client?> FindAsync(string? clientId, CancellationToken cancellationToken = default);

    /// <summary>Forgets a cached client after it was changed on this node.</summary>
    void Invalidate(string clientId);
}

/// <summary>
/// Reads clients, cached briefly: every protocol request needs its client, and a change made on another node
/// (a new redirect URI, a rotated secret) reaches this one within <see cref="CacheTime"/>.
/// </summary>
public sealed class ClientStore(IServiceScopeFactory scopes, IMemoryCache cache) : IClientStore
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(10);

    public async ValueTask<Client?> FindAsync(string? clientId, CancellationToken cancellationToken = default)
    {
        // RFC 6749 Appendix A: a client_id is printable characters; a NUL would make PostgreSQL fail the query.
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 100 || clientId.Contains('\0'))
            return null;
        if (cache.TryGetValue(CacheKey(clientId), out Client? cached))
            return cached;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client is { Enabled: false })
            client = null;
        cache.Set(CacheKey(clientId), client, CacheTime);
        return client;
    }

    public void Invalidate(string clientId) => cache.Remove(CacheKey(clientId));

    private static string CacheKey(string clientId) => "client:" + clientId;
}
