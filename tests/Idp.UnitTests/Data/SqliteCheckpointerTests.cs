using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Idp.Data;
using Idp.Operations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Idp.Testing;

namespace Idp.UnitTests.Data;

/// <summary>
/// Idp's connections never checkpoint in a commit; <see cref="SqliteCheckpointer"/> does in the background, and once
/// the log is long it makes the next writer start the log over, unless a reader of an older snapshot holds it.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"idp-checkpoint-{Guid.NewGuid():N}.db");
    private readonly SqliteConnection _writer;

    public SqliteCheckpointerTests()
    {
        _writer = new SqliteConnection(ConnectionString);
        _writer.Open();
        SqliteConnectionSettings.Configure(_writer);
        Execute(_writer, "PRAGMA journal_mode=WAL; CREATE TABLE Pages (Data BLOB NOT NULL);");
    }

    private string ConnectionString => $"Data Source={_path};Pooling=false";

    public void Dispose()
    {
        _writer.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Writes about <paramref name="pages"/> pages (one 4 KB blob each), committed one transaction each.</summary>
    private void Write(int pages)
    {
        for (var i = 0; i < pages; i++)
            Execute(_writer, "INSERT INTO Pages (Data) VALUES (randomblob(4000));");
    }

    /// <summary>Frames in the log now; a passive checkpoint changes nothing the tests look at.</summary>
    private int LogPages()
    {
        using var connection = SqliteCheckpointer.Open(ConnectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt32(1);
    }

    [Fact]
    public void Commits_NeverCheckpoint_SoTheLogGrows()
    {
        Write(SqliteCheckpointer.RestartPages + 200);

        Assert.True(LogPages() > SqliteCheckpointer.RestartPages);
    }

    [Fact]
    public async Task LongLog_IsCopied_AndTheNextWriterStartsItOver()
    {
        Write(SqliteCheckpointer.RestartPages + 200);
        using var connection = SqliteCheckpointer.Open(ConnectionString);

        var checkpoint = await SqliteCheckpointer.CheckpointAsync(connection, CancellationToken.None);
        Write(1);

        Assert.False(checkpoint.Busy);
        Assert.True(checkpoint.LogPages > SqliteCheckpointer.RestartPages);
        Assert.Equal(checkpoint.LogPages, checkpoint.CopiedPages);
        Assert.True(LogPages() < 10, "the log did not start over");
    }

    [Fact]
    public async Task ShortLog_IsCopiedWithoutWaitingForTheWriterTurn()
    {
        Write(50);
        using var connection = SqliteCheckpointer.Open(ConnectionString);
        using var turn = await SqliteWriteGate.EnterAsync(_writer, CancellationToken.None);

        var checkpoint = await SqliteCheckpointer.CheckpointAsync(connection, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(checkpoint.Busy);
        Assert.InRange(checkpoint.LogPages, 50, SqliteCheckpointer.RestartPages - 1);
        Assert.Equal(checkpoint.LogPages, checkpoint.CopiedPages);
    }

    [Fact]
    public async Task LongLog_WaitsForTheWriterTurn()
    {
        Write(SqliteCheckpointer.RestartPages + 200);
        using var connection = SqliteCheckpointer.Open(ConnectionString);
        var turn = await SqliteWriteGate.EnterAsync(_writer, CancellationToken.None);

        var checkpoint = SqliteCheckpointer.CheckpointAsync(connection, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(checkpoint.IsCompleted);
        turn.Dispose();

        Assert.False((await checkpoint.WaitAsync(TimeSpan.FromSeconds(10))).Busy);
    }

    [Fact]
    public async Task ReaderOfAnOlderSnapshot_MakesTheRoundGiveUp_WritersGoOn()
    {
        Write(10);
        using var reader = new SqliteConnection(ConnectionString);
        reader.Open();
        using var transaction = reader.BeginTransaction(deferred: true);
        using (var select = reader.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT count(*) FROM Pages;";
            Assert.Equal(10L, select.ExecuteScalar());
        }
        Write(SqliteCheckpointer.RestartPages + 200);
        using var connection = SqliteCheckpointer.Open(ConnectionString);

        var checkpoint = await SqliteCheckpointer.CheckpointAsync(connection, CancellationToken.None);
        Write(1);

        Assert.True(checkpoint.Busy);
        Assert.True(LogPages() > SqliteCheckpointer.RestartPages);
    }

    [Fact]
    public async Task EachStep_IsMeasured_TheRestartAsTheWritersWait()
    {
        using var steps = new MeasuredSteps();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        Write(SqliteCheckpointer.RestartPages + 200);
        using var connection = SqliteCheckpointer.Open(ConnectionString);
        var turn = await SqliteWriteGate.EnterAsync(_writer, CancellationToken.None);

        var checkpoint = SqliteCheckpointer.CheckpointAsync(connection, CancellationToken.None, clock, steps.Metrics);
        await Task.Delay(100);
        turn.Dispose();
        await checkpoint.WaitAsync(TimeSpan.FromSeconds(10));

        // The log did not grow during the first pass (the writer waited), so one pass more finds it caught up.
        Assert.Equal([("passive", "completed"), ("passive", "completed"), ("restart", "completed")], steps.Measured.Select(m => (m.Mode, m.Outcome)));
        Assert.All(steps.Measured, m => Assert.Equal(0, m.Milliseconds));
    }

    [Fact]
    public async Task LogGrowingDuringThePasses_GetsAtMostTheCatchUpPasses_ThenTheRestart()
    {
        using var steps = new MeasuredSteps();
        Write(SqliteCheckpointer.RestartPages + 200);
        using var connection = SqliteCheckpointer.Open(ConnectionString);
        using var stopWriting = new CancellationTokenSource();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            using var other = new SqliteConnection(ConnectionString);
            other.Open();
            SqliteConnectionSettings.Configure(other);
            while (!stopWriting.IsCancellationRequested)
            {
                // A commit of more pages than a pass may see arrive before the round counts the log as caught up.
                using (await SqliteWriteGate.EnterAsync(other, CancellationToken.None))
                    Execute(other, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {2 * SqliteCheckpointer.CaughtUpPages}) INSERT INTO Pages (Data) SELECT randomblob(4000) FROM n;");
                writing.TrySetResult();
            }
        });
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var checkpoint = await SqliteCheckpointer.CheckpointAsync(connection, CancellationToken.None, metrics: steps.Metrics);
        await stopWriting.CancelAsync();
        await writer;

        Assert.False(checkpoint.Busy);
        var modes = steps.Measured.Select(m => m.Mode).ToList();
        var passes = modes.TakeWhile(mode => mode == "passive").Count();
        Assert.InRange(passes, 2, 1 + SqliteCheckpointer.CatchUpPasses);
        Assert.Equal(["restart"], modes.Skip(passes));
    }

    /// <summary>The checkpoint steps an <see cref="IdpMetrics"/> of its own records, in order.</summary>
    private sealed class MeasuredSteps : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly MeterListener _listener = new();

        public MeasuredSteps()
        {
            var meters = _services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "idp.sqlite.checkpoint.duration" && ReferenceEquals(instrument.Meter.Scope, meters))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Measured.Enqueue(
                (value, Tag(tags, "mode"), Tag(tags, "outcome"))));
            _listener.Start();
            Metrics = new IdpMetrics(meters, new OperationsGauges());
        }

        public IdpMetrics Metrics { get; }
        public ConcurrentQueue<(double Milliseconds, string? Mode, string? Outcome)> Measured { get; } = new();

        public void Dispose()
        {
            _listener.Dispose();
            _services.Dispose();
        }

        private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == key)
                    return tag.Value as string;
            }
            return null;
        }
    }

    [Fact]
    public async Task Loop_RunsOnTheClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var checkpointer = new SqliteCheckpointer(ConnectionString, clock, NullLogger<SqliteCheckpointer>.Instance);
        Write(SqliteCheckpointer.RestartPages + 200);
        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            var started = DateTime.UtcNow;
            var restarted = false;
            while (!restarted && DateTime.UtcNow - started < TimeSpan.FromSeconds(20))
            {
                clock.Advance(SqliteCheckpointer.Interval);
                await Task.Delay(50);
                Write(1);
                restarted = LogPages() < 10;
            }
            Assert.True(restarted, "no checkpoint restarted the log");
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }
}
