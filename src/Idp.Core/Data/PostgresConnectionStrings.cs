using System.Data.Common;
using Npgsql;

namespace Idp.Data;

/// <summary>
/// A default for Idp's PostgreSQL connections, applied only where the connection string does not say otherwise:
/// <c>No Reset On Close=true</c>, a pooled connection is handed on without resetting its session state. Idp keeps no
/// session state on a connection (its locks are transaction-scoped), and the reset cost a statement on every open.
/// <para>
/// Not automatic preparation (<c>Max Auto Prepare</c>): with it, a request on a connection that a PostgreSQL restart
/// broke while one of its statements was being prepared failed inside Npgsql (a NullReferenceException in
/// <c>NpgsqlDataReader.NextResult</c>, answered 500 instead of 503) in the cluster run under faults
/// (<c>bench/cluster.sh</c>). The grant store prepares its statements explicitly instead (<c>PostgresGrantStore</c>,
/// <c>PostgresGrantWriter</c>).
/// </para>
/// </summary>
internal static class PostgresConnectionStrings
{
    public static string Prepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given(given, "No Reset On Close", "NoResetOnClose"))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    private static bool Given(DbConnectionStringBuilder given, params string[] keywords) => keywords.Any(given.ContainsKey);
}
