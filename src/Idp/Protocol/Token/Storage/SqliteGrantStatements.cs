using System.Data;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.Data.Sqlite;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// The grant writer's statements on its own connection. Microsoft.Data.Sqlite keeps a command's prepared statement
/// while its text stays the same, so each of these is compiled by SQLite once (a fresh command is prepared again
/// every time, which was a fifth of a refresh's CPU time).
/// </summary>
internal sealed class SqliteGrantStatements(SqliteConnection connection, GrantSql sql) : IDisposable
{
    private readonly SqliteCommand _begin = Command(connection, "BEGIN IMMEDIATE");
    private readonly SqliteCommand _commit = Command(connection, "COMMIT");
    private readonly SqliteCommand _rollback = Command(connection, "ROLLBACK");
    private readonly SqliteCommand _insertCode = Command(connection, sql.InsertCode);
    private readonly SqliteCommand _redeemCode = Command(connection, sql.RedeemCode);
    private readonly SqliteCommand _insertRefreshToken = Command(connection, sql.InsertRefreshToken);
    private readonly SqliteCommand _consumeRefreshToken = Command(connection, sql.ConsumeRefreshToken);

    public bool StoreCode(AuthorizationCode code)
    {
        Run(_insertCode, command => sql.BindCode(command, code));
        return true;
    }

    public bool RedeemCode(CodeRedemption redemption)
    {
        if (Run(_redeemCode, command => sql.BindRedemption(command, redemption)) == 0)
            return false;
        if (redemption.Refresh is { } refresh)
            Run(_insertRefreshToken, command => sql.BindRefreshToken(command, refresh));
        return true;
    }

    public bool RotateRefreshToken(RefreshRotation rotation)
    {
        if (Run(_consumeRefreshToken, command => sql.BindRotation(command, rotation)) == 0)
            return false;
        Run(_insertRefreshToken, command => sql.BindRefreshToken(command, rotation.Next));
        return true;
    }

    /// <summary>Opens the connection (again, after a failure closed it) with the settings EF Core's connections get.</summary>
    public void EnsureOpen()
    {
        if (connection.State == ConnectionState.Open)
            return;
        connection.Open();
        SqliteConnectionSettings.Configure(connection);
    }

    public void Begin() => _begin.ExecuteNonQuery();

    public void Commit() => _commit.ExecuteNonQuery();

    public void RollbackQuietly()
    {
        try
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
                _rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite rolls back by itself after some errors; a transaction that is gone needs nothing more.
        }
    }

    private static int Run(SqliteCommand command, Action<SqliteCommand> bind)
    {
        command.Parameters.Clear();
        bind(command);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in new[] { _begin, _commit, _rollback, _insertCode, _redeemCode, _insertRefreshToken, _consumeRefreshToken })
            command.Dispose();
    }
}
