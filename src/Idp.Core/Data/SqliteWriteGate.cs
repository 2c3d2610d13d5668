using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Idp.Data;

/// <summary>
/// One writer at a time per SQLite database file, queued in the process instead of inside SQLite.
/// <para>
/// SQLite admits one writer; Microsoft.Data.Sqlite starts every transaction with <c>BEGIN IMMEDIATE</c>, and a
/// writer that finds the file locked waits in SQLite's busy handler, which sleeps on a thread-pool thread and polls
/// (1, 2, 5 … 100 ms). Under concurrent grants that blocked most pool threads, left the lock idle between the
/// polls and put over a second into p99. Here a writer waits asynchronously for its turn and gets the lock as soon
/// as the previous writer commits, so SQLite never sees two writers.
/// </para>
/// <para>
/// A turn starts when a transaction begins (explicit, or SaveChanges' own), or when a write statement runs outside
/// a transaction; it ends at commit, rollback or failure, when the statement's reader is disposed, or at the latest
/// when the connection closes. SQLite's own locking stays the guarantee: a writer that waited longer than the
/// connection's timeout for its turn goes ahead and meets SQLite's busy handler, as without the gate.
/// </para>
/// </summary>
internal static class SqliteWriteGate
{
    public static readonly IInterceptor[] Interceptors = [new TransactionTurns(), new StatementTurns(), new ConnectionTurns()];

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<DbConnection, Turn> Turns = [];

    /// <summary>Whose turn it is: the connection holding the gate of its database.</summary>
    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _held = 1;

        public void End()
        {
            if (Interlocked.Exchange(ref _held, 0) == 1)
                gate.Release();
        }

        public void Dispose() => End();
    }

    private static SemaphoreSlim GateOf(DbConnection connection) =>
        Gates.GetOrAdd(connection.DataSource, static _ => new SemaphoreSlim(1, 1));

    private static TimeSpan Patience(DbConnection connection) =>
        TimeSpan.FromSeconds(connection.ConnectionTimeout > 0 ? connection.ConnectionTimeout : 30);

    private static async ValueTask BeginTurnAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Turns.TryGetValue(connection, out _))
            return;
        var gate = GateOf(connection);
        if (await gate.WaitAsync(Patience(connection), cancellationToken))
            Turns.AddOrUpdate(connection, new Turn(gate));
    }

    private static void BeginTurn(DbConnection connection)
    {
        if (Turns.TryGetValue(connection, out _))
            return;
        var gate = GateOf(connection);
        if (gate.Wait(Patience(connection)))
            Turns.AddOrUpdate(connection, new Turn(gate));
    }

    private static void EndTurn(DbConnection? connection)
    {
        if (connection is not null && Turns.TryGetValue(connection, out var turn))
        {
            Turns.Remove(connection);
            turn.End();
        }
    }

    /// <summary>
    /// Takes the database's writer turn for a connection EF Core does not manage (the grant writer's own);
    /// disposing the result ends the turn. After the connection's timeout it goes ahead without the turn, as above.
    /// </summary>
    public static async ValueTask<IDisposable> EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var gate = GateOf(connection);
        return await gate.WaitAsync(Patience(connection), cancellationToken) ? new Turn(gate) : NotEntered.Instance;
    }

    private sealed class NotEntered : IDisposable
    {
        public static readonly NotEntered Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class TransactionTurns : DbTransactionInterceptor
    {
        // A finished SqliteTransaction forgets its connection; the context still knows it.
        private static DbConnection? ConnectionOf(DbTransaction transaction, TransactionEventData eventData) =>
            eventData.Context?.Database.GetDbConnection() ?? transaction.Connection;

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            await BeginTurnAsync(connection, cancellationToken);
            return result;
        }

        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            BeginTurn(connection);
            return result;
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => EndTurn(ConnectionOf(transaction, eventData));

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            EndTurn(ConnectionOf(transaction, eventData));
            return Task.CompletedTask;
        }

        public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => EndTurn(ConnectionOf(transaction, eventData));

        public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            EndTurn(ConnectionOf(transaction, eventData));
            return Task.CompletedTask;
        }

        public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => EndTurn(ConnectionOf(transaction, eventData));

        public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            EndTurn(ConnectionOf(transaction, eventData));
            return Task.CompletedTask;
        }
    }

    /// <summary>A write statement outside a transaction (SaveChanges of one row, ExecuteUpdate) is a transaction of its own.</summary>
    private sealed class StatementTurns : DbCommandInterceptor
    {
        private static bool IsLoneWrite(DbCommand command) =>
            command.Transaction is null && command.Connection is { } connection && !Turns.TryGetValue(connection, out _) && Writes(command.CommandText);

        internal static bool Writes(string sql)
        {
            var text = sql.AsSpan().TrimStart();
            return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (IsLoneWrite(command))
                await BeginTurnAsync(command.Connection!, cancellationToken);
            return result;
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            if (IsLoneWrite(command))
                BeginTurn(command.Connection!);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (IsLoneWrite(command))
                await BeginTurnAsync(command.Connection!, cancellationToken);
            return result;
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            if (IsLoneWrite(command))
                BeginTurn(command.Connection!);
            return result;
        }

        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            EndLoneTurn(command);
            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            EndLoneTurn(command);
            return ValueTask.FromResult(result);
        }

        // A reader's statement (INSERT … RETURNING) holds the lock until the reader is done with it.
        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            EndLoneTurn(command);
            return result;
        }

        public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => EndLoneTurn(command);

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            EndLoneTurn(command);
            return Task.CompletedTask;
        }

        public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => EndLoneTurn(command);

        public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
        {
            EndLoneTurn(command);
            return Task.CompletedTask;
        }

        private static void EndLoneTurn(DbCommand command)
        {
            if (command.Transaction is null)
                EndTurn(command.Connection);
        }
    }

    /// <summary>A transaction disposed without commit or rollback ends with its connection.</summary>
    private sealed class ConnectionTurns : DbConnectionInterceptor
    {
        public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            EndTurn(connection);
            return result;
        }

        public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            EndTurn(connection);
            return ValueTask.FromResult(result);
        }

        public override void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => EndTurn(connection);
    }
}
