using Idp.Operations;
using Microsoft.Data.Sqlite;

namespace Idp.Data;

/// <summary>
/// Moves SQLite's write-ahead log into the database file in the background, so that no commit has to.
/// <para>
/// By default SQLite checkpoints in the commit that takes the log past 1,000 pages, inside the writer's turn: under
/// steady grant writes every writer then waited for page copies many times a second. Here every connection of Idp
/// has automatic checkpoints off (<see cref="SqliteConnectionSettings"/>) and this loop, every
/// <see cref="Interval"/>, first copies what it can beside the writers (<c>PASSIVE</c>), then, once the log holds
/// <see cref="RestartPages"/> pages, takes the writer turn briefly for the rest (<c>RESTART</c>) so that the next
/// writer starts the log over. Without that last step a passive checkpoint never catches up with steady writes
/// and the log grows without end.
/// </para>
/// <para>
/// The restart copies what was written during the passive step before it, and the writers wait for every page of
/// it: under refresh load a first pass took 35–54 ms and the restart after it 25–40 ms. So before the restart the
/// round passes again beside the writers, at most <see cref="CatchUpPasses"/> times, until the log grew by fewer
/// than <see cref="CaughtUpPages"/> pages during a pass; each pass is shorter than the one before it.
/// </para>
/// <para>
/// A round every second, not every 200 ms: a round costs its syncs whatever it copies, and pages written again
/// within a round (the b-trees' right edges, their inner pages) are copied once. Under refresh load the checkpoint
/// then took 120–180 instead of 210–235 ms per second beside the writers, and the writers waited 10–16 instead of
/// 37–48 ms per second for restarts. The log holds about a second of writes (under 100 MB at full load).
/// </para>
/// <para>
/// <c>RESTART</c> waits for readers of older snapshots and holds new writers meanwhile, so its connection waits at
/// most <see cref="ReaderPatience"/>: a long reader makes the round give up (busy), never stalls the writers.
/// </para>
/// </summary>
internal sealed partial class SqliteCheckpointer(string connectionString, TimeProvider clock, ILogger<SqliteCheckpointer> logger, IdpMetrics? metrics = null) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public const int RestartPages = 5000;
    public const int CatchUpPasses = 3;
    public const int CaughtUpPages = 200;
    public static readonly TimeSpan ReaderPatience = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        SqliteConnection? connection = null;
        var failing = false;
        try
        {
            // A delay per round, not a periodic timer: a clock moved by days (tests) ends one delay instead of
            // owing every period in between.
            while (true)
            {
                await Task.Delay(Interval, clock, stoppingToken);
                try
                {
                    connection ??= Open(connectionString);
                    await CheckpointAsync(connection, stoppingToken, clock, metrics);
                    failing = false;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The next tick tries again on a new connection; meanwhile the log only grows. Logged once per outage.
                    if (!failing)
                        Log.CheckpointFailed(logger, exception);
                    failing = true;
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>One round: the pages copied beside the writers (again while the log grew meanwhile), then, past the threshold, the rest in the writer's turn.</summary>
    /// <remarks>Each step's duration goes to <see cref="IdpMetrics.SqliteCheckpoint"/>: the restart's is how long the writers waited.</remarks>
    internal static async Task<Checkpoint> CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken, TimeProvider? clock = null, IdpMetrics? metrics = null)
    {
        clock ??= TimeProvider.System;
        var passive = Run(connection, "PASSIVE", clock, metrics);
        if (passive.LogPages < RestartPages)
            return passive;
        for (var pass = 0; pass < CatchUpPasses; pass++)
        {
            var logPagesBefore = passive.LogPages;
            passive = Run(connection, "PASSIVE", clock, metrics);
            if (passive.LogPages - logPagesBefore < CaughtUpPages)
                break;
        }
        using (await SqliteWriteGate.EnterAsync(connection, cancellationToken))
            return Run(connection, "RESTART", clock, metrics);
    }

    /// <summary>The checkpoints' own connection: Idp's settings, with a busy timeout of <see cref="ReaderPatience"/>.</summary>
    internal static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(SqliteConnectionStrings.Dedicated(connectionString));
        connection.Open();
        SqliteConnectionSettings.Configure(connection);
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(int)ReaderPatience.TotalMilliseconds};";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>https://sqlite.org/pragma.html#pragma_wal_checkpoint: busy (1 when blocked), pages in the log, pages copied.</summary>
    private static Checkpoint Run(SqliteConnection connection, string mode, TimeProvider clock, IdpMetrics? metrics)
    {
        var started = clock.GetTimestamp();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        using var reader = command.ExecuteReader();
        reader.Read();
        var checkpoint = new Checkpoint(reader.GetInt32(0) != 0, reader.GetInt32(1), reader.GetInt32(2));
        metrics?.SqliteCheckpoint(mode.ToLowerInvariant(), clock.GetElapsedTime(started), checkpoint.Busy);
        return checkpoint;
    }

    internal readonly record struct Checkpoint(bool Busy, int LogPages, int CopiedPages);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "A SQLite checkpoint failed; the write-ahead log keeps growing until one succeeds")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);
    }
}
