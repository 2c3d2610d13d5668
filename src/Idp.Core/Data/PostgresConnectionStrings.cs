using System.Data.Common;
using Npgsql;

namespace Idp.Data;

/// <summary>
/// Defaults for Idp's PostgreSQL connections, each applied only where the connection string does not say otherwise:
/// <list type="bullet">
/// <item><c>Max Auto Prepare=64</c>: the statements every grant and authorization runs are prepared once per
/// physical connection instead of parsed and planned by the server every time.</item>
/// <item><c>No Reset On Close=true</c>: a pooled connection is handed on without resetting its session state. Idp keeps
/// no session state on a connection (its locks are transaction-scoped), and the reset cost a statement on every open.</item>
/// </list>
/// </summary>
internal static class PostgresConnectionStrings
{
    public static string Prepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given(given, "Max Auto Prepare", "MaxAutoPrepare"))
            builder.MaxAutoPrepare = 64;
        if (!Given(given, "No Reset On Close", "NoResetOnClose"))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    private static bool Given(DbConnectionStringBuilder given, params string[] keywords) => keywords.Any(given.ContainsKey);
}
