using System.Collections.Concurrent;
using System.Data.Common;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.Token.Storage;

/// <summary>
/// SQLite: the grants' lookups by key and the session's read, on connections of their own whose statements are
/// prepared once. Through EF Core each lookup opened a pooled connection (registering EF Core's SQL functions again)
/// and had SQLite compile its statement again, a third of a refresh's CPU time. Readers are taken per lookup and returned; in WAL mode
/// they read concurrently with each other and with the writer, and each lookup sees every committed write.
/// </summary>
internal sealed class SqliteGrantReaders : IDisposable
{
    private readonly ConcurrentBag<Reader> _idle = [];

    public Redeemable<AuthorizationCode>? FindCode(IdpDbContext db, string id) => Use(db, reader => reader.FindCode(id));

    public Redeemable<RefreshToken>? FindRefreshToken(IdpDbContext db, string id) => Use(db, reader => reader.FindRefreshToken(id));

    public SessionRead? FindSession(IdpDbContext db, PrimaryFactorSql factors, string sessionId, string subjectId) =>
        Use(db, reader => reader.FindSession(factors, sessionId, subjectId));

    private T Use<T>(IdpDbContext db, Func<Reader, T> lookup)
    {
        if (!_idle.TryTake(out var reader))
            reader = new Reader(SqliteConnectionStrings.Dedicated(db.Database.GetConnectionString()!), db.GrantSql());
        T result;
        try
        {
            result = lookup(reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        // At most as many as lookups ran at once, which the thread pool bounds.
        _idle.Add(reader);
        return result;
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var reader))
            reader.Dispose();
    }

    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly GrantSql _sql;
        private readonly SqliteCommand _code;
        private readonly SqliteCommand _refreshToken;
        // Per factor SQL: one while the factor kinds stay what they are.
        private readonly Dictionary<string, SqliteCommand> _sessions = [];

        public Reader(string connectionString, GrantSql sql)
        {
            _sql = sql;
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            SqliteConnectionSettings.Configure(_connection);
            _code = _connection.CreateCommand();
            _code.CommandText = sql.SelectCodeWithUser;
            _refreshToken = _connection.CreateCommand();
            _refreshToken.CommandText = sql.SelectRefreshTokenWithUser;
        }

        public Redeemable<AuthorizationCode>? FindCode(string id)
        {
            using var reader = Execute(_code, _sql.BindKey, id);
            return _sql.ReadCodeWithUser(reader);
        }

        public Redeemable<RefreshToken>? FindRefreshToken(string id)
        {
            using var reader = Execute(_refreshToken, _sql.BindKey, id);
            return _sql.ReadRefreshTokenWithUser(reader);
        }

        public SessionRead? FindSession(PrimaryFactorSql factors, string sessionId, string subjectId)
        {
            if (!_sessions.TryGetValue(factors.Sql, out var command))
            {
                command = _connection.CreateCommand();
                command.CommandText = _sql.SelectSessionWithUser(factors);
                _sessions[factors.Sql] = command;
            }
            command.Parameters.Clear();
            _sql.BindSessionRead(command, factors, sessionId, subjectId);
            using var reader = command.ExecuteReader();
            return _sql.ReadSession(reader);
        }

        private static SqliteDataReader Execute(SqliteCommand command, Action<DbCommand, string> bindKey, string id)
        {
            command.Parameters.Clear();
            bindKey(command, id);
            return command.ExecuteReader();
        }

        public void Dispose()
        {
            _code.Dispose();
            _refreshToken.Dispose();
            foreach (var command in _sessions.Values)
                command.Dispose();
            _connection.Dispose();
        }
    }
}
