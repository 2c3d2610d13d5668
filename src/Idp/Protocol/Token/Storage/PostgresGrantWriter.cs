using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using Idp.Operations;
using Npgsql;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// PostgreSQL's grant writes, run in groups by <see cref="Loops"/> loops, each on a connection of its own: a loop
/// takes every write queued meanwhile (up to <see cref="MaxGroup"/>) and sends them as one batch, which the server
/// runs as one implicit transaction with one commit, and completes them after it. With one statement per write, each
/// write paid its own round trip, executor start-up and commit (the server's WAL flush), and the database server
/// and Idp filled the two cores of the benchmark machine with that. A write's task completes only after its group's
/// commit, so an acknowledged token is stored.
/// <para>
/// If the server refuses a statement (an error it reports), the group was rolled back as a whole, and its writes run
/// again one batch each, so the failure reaches only the write that caused it. If the connection fails, whether the
/// group committed is unknown: its writes fail with the connection's error (an outage, answered 503), are not run
/// again (a rotation run twice would read as reuse of the token), and the loop opens a new connection for the next.
/// </para>
/// </summary>
internal sealed partial class PostgresGrantWriter(ILogger<PostgresGrantWriter> logger) : IAsyncDisposable
{
    public const int MaxGroup = 64;

    /// <summary>Groups in flight at once: one loop would leave the server idle during each round trip and commit.</summary>
    public const int Loops = 2;

    /// <summary>The writer's connections as <c>pg_stat_activity</c> shows them.</summary>
    public const string ApplicationName = "Idp grant writer";

    private static readonly ConcurrentDictionary<string, string> Returning = new();
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly Lock _startLock = new();
    private volatile Task? _loops;
    private NpgsqlDataSource? _source;
    private long _groups;

    /// <summary>Batches sent so far, a group run again one write at a time included (for tests).</summary>
    internal long GroupsRun => Interlocked.Read(ref _groups);

    /// <summary>
    /// Queues a statement that returns rows (<paramref name="namedText"/>, parameters by <paramref name="bind"/>) and
    /// completes with what <paramref name="read"/> makes of them once its group is committed. Once queued, it runs
    /// even if the caller gives up.
    /// </summary>
    public Task<T> QueryAsync<T>(string connectionString, string namedText, Action<DbCommand> bind, Func<DbDataReader, T> read) =>
        Enqueue(connectionString, new QueryJob<T>(Statement(namedText, bind), read));

    /// <summary>
    /// Queues an INSERT, UPDATE or DELETE (after a WITH or not) and completes with the rows it changed once its group is
    /// committed. It runs with <c>RETURNING 1</c>, so that every statement of a batch has a result of its own: Npgsql's
    /// reader passes over the statements that return no rows, and a reader counting them would hand one write's rows to another.
    /// </summary>
    public Task<int> ExecuteAsync(string connectionString, string namedText, Action<DbCommand> bind) =>
        Enqueue(connectionString, new ExecuteJob(Statement(Returning.GetOrAdd(namedText, static text => text + " RETURNING 1"), bind)));

    private static NpgsqlBatchCommand Statement(string namedText, Action<DbCommand> bind)
    {
        // The model's type mappings create parameters on a command; the batch's command takes them over.
        using var command = new NpgsqlCommand();
        PositionalParameters.Apply(command, namedText, bind);
        var statement = new NpgsqlBatchCommand(command.CommandText);
        var parameters = command.Parameters.ToArray();
        command.Parameters.Clear();
        statement.Parameters.AddRange(parameters);
        return statement;
    }

    private Task<T> Enqueue<T>(string connectionString, Job<T> job)
    {
        EnsureStarted(connectionString);
        if (!_jobs.Writer.TryWrite(job))
            throw new ObjectDisposedException(nameof(PostgresGrantWriter), "The application is stopping.");
        return job.Task;
    }

    private void EnsureStarted(string connectionString)
    {
        if (_loops is not null)
            return;
        lock (_startLock)
        {
            if (_loops is not null)
                return;
            // A pool of its own, as large as the loops: the requests' pool is sized for their reads.
            _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Loops, ApplicationName = ApplicationName }.ConnectionString);
            _loops = Task.WhenAll(Enumerable.Range(0, Loops).Select(_ => Task.Run(RunLoopAsync)));
        }
    }

    private async Task RunLoopAsync()
    {
        NpgsqlConnection? connection = null;
        var group = new List<Job>(MaxGroup);
        try
        {
            while (await _jobs.Reader.WaitToReadAsync())
            {
                while (group.Count < MaxGroup && _jobs.Reader.TryRead(out var job))
                    group.Add(job);
                if (group.Count == 0)
                    continue;
                try
                {
                    connection ??= await _source!.OpenConnectionAsync();
                    if (!await RunGroupAsync(connection, group))
                        foreach (var job in group)
                            await RunGroupAsync(connection, [job], again: true);
                }
                catch (Exception exception)
                {
                    // The connection failed (or could not be opened): the group's outcome is unknown.
                    Log.GrantGroupFailed(logger, group.Count, exception);
                    foreach (var job in group)
                        job.TrySetException(exception);
                    if (connection is not null)
                        await connection.DisposeAsync();
                    connection = null;
                }
                group.Clear();
            }
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs the writes as one batch (one transaction). False when the server refused a statement in a group of several
    /// (rolled back, nothing completed). A connection's failure is thrown.
    /// </summary>
    private async Task<bool> RunGroupAsync(NpgsqlConnection connection, List<Job> group, bool again = false)
    {
        Interlocked.Increment(ref _groups);
        await using var batch = connection.CreateBatch();
        foreach (var job in group)
            batch.BatchCommands.Add(again ? job.Copy() : job.Statement);
        try
        {
            // Prepared once per connection: afterwards the server neither parses nor plans these statements.
            await batch.PrepareAsync();
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                for (var i = 0; i < group.Count; i++)
                {
                    if (i > 0 && !await reader.NextResultAsync())
                        throw new InvalidOperationException($"The batch returned {i} results for {group.Count} statements.");
                    group[i].Read(reader);
                }
            }
        }
        // A refusal leaves the connection usable; an outage (or a connection the server closed) fails the group as a connection's failure does.
        catch (PostgresException exception) when (connection.State == ConnectionState.Open && !DatabaseOutage.IsOutage(exception))
        {
            if (group.Count > 1)
                return false;
            Log.GrantWriteFailed(logger, exception);
            group[0].TrySetException(exception);
            return true;
        }
        // The reader is closed: the server has committed.
        foreach (var job in group)
            job.Complete();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _jobs.Writer.TryComplete();
        if (_loops is not null)
            await _loops;
        if (_source is not null)
            await _source.DisposeAsync();
    }

    private abstract class Job(NpgsqlBatchCommand statement)
    {
        public NpgsqlBatchCommand Statement => statement;

        /// <summary>The statement again, for a batch of its own after its group was refused (a command belongs to one batch).</summary>
        public NpgsqlBatchCommand Copy()
        {
            var copy = new NpgsqlBatchCommand(statement.CommandText);
            foreach (NpgsqlParameter parameter in statement.Parameters)
                copy.Parameters.Add(parameter.Clone());
            return copy;
        }

        /// <summary>Reads the statement's rows, the reader being on its result.</summary>
        public abstract void Read(DbDataReader reader);

        /// <summary>The group is committed.</summary>
        public abstract void Complete();

        public abstract void TrySetException(Exception exception);
    }

    private abstract class Job<T>(NpgsqlBatchCommand statement) : Job(statement)
    {
        protected TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => Completion.Task;

        public override void TrySetException(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class QueryJob<T>(NpgsqlBatchCommand statement, Func<DbDataReader, T> read) : Job<T>(statement)
    {
        private T _rows = default!;

        public override void Read(DbDataReader reader) => _rows = read(reader);

        public override void Complete() => Completion.TrySetResult(_rows);
    }

    private sealed class ExecuteJob(NpgsqlBatchCommand statement) : Job<int>(statement)
    {
        private int _changed;

        public override void Read(DbDataReader reader)
        {
            var changed = 0;
            while (reader.Read())
                changed++;
            _changed = changed;
        }

        public override void Complete() => Completion.TrySetResult(_changed);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1111, Level = LogLevel.Error, Message = "A grant write failed in PostgreSQL")]
        public static partial void GrantWriteFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "The connection of a group of {Count} grant writes failed in PostgreSQL")]
        public static partial void GrantGroupFailed(ILogger logger, int count, Exception exception);
    }
}
