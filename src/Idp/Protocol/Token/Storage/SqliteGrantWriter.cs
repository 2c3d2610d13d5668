using System.Collections.Concurrent;
using Idp.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// SQLite's grant writes, run by one loop on a connection of its own, in groups: the loop takes every write queued
/// meanwhile (up to <see cref="MaxGroup"/>), runs them in one transaction with statements prepared once, commits
/// once and then completes them all. SQLite admits one writer anyway; with one write per transaction the writer's
/// turn was mostly EF Core's work and the hand-over to the next waiting request, and it bounded the code flow and
/// refresh. A write's task completes only after its group's commit, so an acknowledged token is stored.
/// <para>
/// The loop takes the same writer turn as EF Core's writers in this process (<see cref="SqliteWriteGate"/>), and
/// SQLite's busy timeout covers other processes on the same file. If a statement fails, the group is rolled back
/// and its writes run again one transaction each, so the failure reaches only the write that caused it.
/// </para>
/// </summary>
internal sealed partial class SqliteGrantWriter(ILogger<SqliteGrantWriter> logger) : IAsyncDisposable
{
    public const int MaxGroup = 128;

    // Blocking, not a channel: the loop's thread waits on it directly, where a channel would wake it through the thread pool.
    private readonly BlockingCollection<Job> _jobs = [];
    private readonly Lock _startLock = new();
    private volatile Task? _loop;

    /// <summary>Queues a write and completes when it is committed (or has failed). Once queued, it runs even if the caller gives up.</summary>
    public Task<bool> WriteAsync(IdpDbContext db, Func<SqliteGrantStatements, bool> write)
    {
        EnsureStarted(db);
        var job = new Job(write);
        try
        {
            _jobs.Add(job);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteGrantWriter), "The application is stopping.");
        }
        return job.Task;
    }

    private void EnsureStarted(IdpDbContext db)
    {
        if (_loop is not null)
            return;
        lock (_startLock)
        {
            if (_loop is not null)
                return;
            var connectionString = SqliteConnectionStrings.Dedicated(db.Database.GetConnectionString()!);
            var sql = db.GrantSql();
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // A thread of its own: on the thread pool, each wake-up of the loop waited in the pool's queue behind the
            // requests, and the writes waited with it.
            new Thread(() =>
            {
                try
                {
                    Run(connectionString, sql);
                }
                finally
                {
                    stopped.SetResult();
                }
            })
            { IsBackground = true, Name = "SQLite grant writer" }.Start();
            _loop = stopped.Task;
        }
    }

    private void Run(string connectionString, GrantSql sql)
    {
        using var connection = new SqliteConnection(connectionString);
        using var statements = new SqliteGrantStatements(connection, sql);
        var group = new List<Job>(MaxGroup);
        while (_jobs.TryTake(out var first, Timeout.Infinite))
        {
            group.Add(first);
            while (group.Count < MaxGroup && _jobs.TryTake(out var job))
                group.Add(job);
            try
            {
                statements.EnsureOpen();
                using (SqliteWriteGate.EnterAsync(connection, CancellationToken.None).AsTask().GetAwaiter().GetResult())
                {
                    if (!RunGroup(statements, group))
                        foreach (var job in group)
                            RunGroup(statements, [job]);
                }
            }
            catch (Exception exception)
            {
                // The connection could not be opened: every write of the group fails, the loop goes on.
                foreach (var job in group)
                    job.TrySetException(exception);
            }
            group.Clear();
        }
    }

    /// <summary>Runs the writes in one transaction. False when a statement failed in a group of several (rolled back, nothing completed).</summary>
    private bool RunGroup(SqliteGrantStatements statements, List<Job> group)
    {
        var results = new bool[group.Count];
        try
        {
            statements.Begin();
            for (var i = 0; i < group.Count; i++)
                results[i] = group[i].Write(statements);
            statements.Commit();
        }
        catch (Exception exception)
        {
            statements.RollbackQuietly();
            if (group.Count > 1)
                return false;
            Log.GrantWriteFailed(logger, exception);
            group[0].TrySetException(exception);
            return true;
        }
        for (var i = 0; i < group.Count; i++)
            group[i].TrySetResult(results[i]);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _jobs.CompleteAdding();
        if (_loop is not null)
            await _loop;
        _jobs.Dispose();
    }

    private sealed class Job(Func<SqliteGrantStatements, bool> write) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Func<SqliteGrantStatements, bool> Write => write;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Error, Message = "A grant write failed in SQLite")]
        public static partial void GrantWriteFailed(ILogger logger, Exception exception);
    }
}
