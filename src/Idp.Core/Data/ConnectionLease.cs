using Microsoft.EntityFrameworkCore;

namespace Idp.Data;

/// <summary>
/// Keeps the context's connection open for a unit of work of several statements. EF Core otherwise opens and
/// closes it around every statement, and each open of a SQLite connection registers EF Core's functions anew
/// (a PostgreSQL open takes a pooled connection and resets it).
/// </summary>
public readonly struct ConnectionLease(IdpDbContext db) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => new(db.Database.CloseConnectionAsync());
}

public static class ConnectionLeases
{
    public static async Task<ConnectionLease> HoldConnectionAsync(this IdpDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        return new ConnectionLease(db);
    }
}
