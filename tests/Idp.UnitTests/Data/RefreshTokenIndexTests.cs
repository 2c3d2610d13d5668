using System.Collections.Concurrent;
using System.Data.Common;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Protocol.Token;
using Idp.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Idp.UnitTests.Data;

/// <summary>
/// Every rotation inserts into each index of RefreshTokens, so the table has only the indexes its queries need; the
/// family's revocation (reuse of a rotated token, a replayed code, the revocation endpoint) must still find its rows
/// through one of them, not by reading the table.
/// </summary>
public sealed class RefreshTokenIndexTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"idp-indexes-{Guid.NewGuid():N}.db");
    private readonly Recorder _recorder = new();

    private SqliteIdpDbContext NewContext() => new(new DbContextOptionsBuilder<SqliteIdpDbContext>()
        .UseSqlite($"Data Source={_path}")
        .AddInterceptors(_recorder)
        .Options);

    public async Task InitializeAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
        var now = DateTimeOffset.UnixEpoch;
        // Enough rows of other users and families that SQLite's planner has a reason to prefer an index.
        db.RefreshTokens.AddRange(Enumerable.Range(0, 200).Select(i => new RefreshToken
        {
            Id = $"token-{i}", FamilyId = $"family-{i % 40}", ClientId = "portal", SubjectId = $"user-{i % 20}",
            SessionId = $"session-{i % 30}", Scope = "openid", AuthTime = now, CreatedAt = now, ExpiresAt = now.AddDays(1),
            AccessTokenId = $"at-{i}",
        }));
        await db.SaveChangesAsync();
        await db.Database.ExecuteSqlRawAsync("ANALYZE;");
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RevokingAFamily_ReadsAndUpdatesItsRowsThroughAnIndex()
    {
        await using var db = NewContext();
        _recorder.Commands.Clear();
        await new TokenRevoker(db, new FakeTimeProvider(DateTimeOffset.UnixEpoch)).RevokeFamilyAsync("user-3", "family-3", CancellationToken.None);
        var onTokens = _recorder.Commands.Where(c => c.Sql.Contains("\"RefreshTokens\"")).ToList();
        Assert.Equal(5, await db.RefreshTokens.CountAsync(t => t.FamilyId == "family-3" && t.RevokedAt != null));

        Assert.Equal(2, onTokens.Count);
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        foreach (var (sql, parameters) in onTokens)
        {
            var plan = await PlanAsync(connection, sql, parameters);
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal));
            Assert.Contains(plan, step => step.Contains("INDEX IX_RefreshTokens_SubjectId_FamilyId", StringComparison.Ordinal));
        }
    }

    private static async Task<List<string>> PlanAsync(SqliteConnection connection, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            steps.Add(reader.GetString(3));
        return steps;
    }

    private sealed class Recorder : DbCommandInterceptor
    {
        public ConcurrentQueue<(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)> Commands { get; } = new();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command) => Commands.Enqueue((command.CommandText,
            command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList()));
    }
}
