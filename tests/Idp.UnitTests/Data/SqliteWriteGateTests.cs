using System.Diagnostics;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Idp.UnitTests.Data;

/// <summary>
/// Writers on one SQLite file take turns in the process: a second writer waits asynchronously (no thread blocked in
/// SQLite's busy handler) and goes ahead as soon as the first one's turn ends, however it ends.
/// </summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"idp-gate-{Guid.NewGuid():N}.db");

    // Without the gate a blocked writer would wait inside SQLite for up to this long, then fail with SQLITE_BUSY.
    private string ConnectionString => $"Data Source={_path};Default Timeout=3;Pooling=false";

    public async Task InitializeAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public Task DisposeAsync()
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
        return Task.CompletedTask;
    }

    private SqliteIdpDbContext NewContext() => new(new DbContextOptionsBuilder<SqliteIdpDbContext>()
        .UseSqlite(ConnectionString)
        .AddInterceptors(SqliteWriteGate.Interceptors)
        .Options);

    private static UsedJti Row(string jti) => new() { Scope = "gate-test", JtiHash = jti, ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(1) };

    [Fact]
    public async Task SecondTransaction_WaitsWithoutBlocking_AndStartsWhenTheFirstCommits()
    {
        await using var first = NewContext();
        await using var second = NewContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        first.UsedJtis.Add(Row("first"));
        await first.SaveChangesAsync();

        var clock = Stopwatch.StartNew();
        var secondTransaction = second.Database.BeginTransactionAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"BeginTransactionAsync blocked its caller for {clock.Elapsed}");
        await Task.Delay(200);
        Assert.False(secondTransaction.IsCompleted);

        await firstTransaction.CommitAsync();
        await using var started = await secondTransaction.WaitAsync(TimeSpan.FromSeconds(2));
        second.UsedJtis.Add(Row("second"));
        await second.SaveChangesAsync();
        await started.CommitAsync();

        await using var check = NewContext();
        Assert.Equal(2, await check.UsedJtis.CountAsync());
    }

    [Fact]
    public async Task WriteOutsideATransaction_WaitsForTheTurn()
    {
        await using var first = NewContext();
        await using var second = NewContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        first.UsedJtis.Add(Row("first"));
        await first.SaveChangesAsync();

        var clock = Stopwatch.StartNew();
        second.UsedJtis.Add(Row("lone"));
        var lone = second.SaveChangesAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"SaveChangesAsync blocked its caller for {clock.Elapsed}");
        await Task.Delay(200);
        Assert.False(lone.IsCompleted);

        await firstTransaction.CommitAsync();
        Assert.Equal(1, await lone.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task TransactionDisposedWithoutCommit_EndsItsTurn()
    {
        await using var second = NewContext();
        await using (var first = NewContext())
        {
            var abandoned = await first.Database.BeginTransactionAsync();
            first.UsedJtis.Add(Row("abandoned"));
            await first.SaveChangesAsync();
            await abandoned.DisposeAsync();
        }

        await using var transaction = await second.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(2));
        second.UsedJtis.Add(Row("next"));
        await second.SaveChangesAsync();
        await transaction.CommitAsync();
        Assert.Equal(["next"], await second.UsedJtis.Select(r => r.JtiHash).ToListAsync());
    }

    [Fact]
    public async Task FailedWrite_EndsItsTurn()
    {
        await using (var seed = NewContext())
        {
            seed.UsedJtis.Add(Row("taken"));
            await seed.SaveChangesAsync();
        }
        await using (var duplicate = NewContext())
        {
            duplicate.UsedJtis.Add(Row("taken"));
            await Assert.ThrowsAsync<DbUpdateException>(() => duplicate.SaveChangesAsync());
        }

        await using var next = NewContext();
        next.UsedJtis.Add(Row("free"));
        Assert.Equal(1, await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(2)));
    }
}
