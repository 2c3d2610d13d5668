using Microsoft.Data.Sqlite;

namespace Idp.Data;

internal static class SqliteConnectionStrings
{
    /// <summary>Creates the folder of the database file, so a fresh checkout starts without a manual step.</summary>
    public static string Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
                Directory.CreateDirectory(folder);
        }
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>The same database on a connection of its own, outside the pool (the grant writer's and readers').</summary>
    public static string Dedicated(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
}
