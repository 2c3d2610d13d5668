using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Idp.Data;

/// <summary>
/// Per-connection SQLite settings for a web server's concurrent requests, applied once per physical connection
/// (pooled connections keep them, so the logical opens EF Core makes for every query cost a table lookup).
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds the database locked waits inside SQLite, which retries within
/// milliseconds. Without it Microsoft.Data.Sqlite retries a busy statement only after sleeping 150 ms, which
/// under concurrent writes (codes, refresh tokens) put whole seconds into p99. Same limit as the commands'
/// own timeout (<c>Default Timeout</c>, 30 s).</item>
/// <item><c>synchronous = NORMAL</c>: the recommended setting with WAL (set by <see cref="DatabaseMigrator"/>):
/// the WAL is synced at checkpoints, not at every commit. The database stays consistent after any crash; a
/// power loss or OS crash (not a process crash) may undo the last transactions committed before it.</item>
/// <item><c>wal_autocheckpoint = 0</c>: no commit checkpoints; <see cref="SqliteCheckpointer"/> does, in the background.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    private static readonly ConditionalWeakTable<sqlite3, object> Configured = [];
    private static readonly object Marker = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || Configured.TryGetValue(handle, out _))
            return;
        Configure(sqlite);
        Configured.AddOrUpdate(handle, Marker);
    }

    /// <summary>Applies the settings to an open connection that EF Core does not manage (the grant writer's and readers').</summary>
    public static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        var busyTimeoutMs = connection.DefaultTimeout > 0 ? connection.DefaultTimeout * 1000 : 30_000;
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";
        command.ExecuteNonQuery();
    }
}
