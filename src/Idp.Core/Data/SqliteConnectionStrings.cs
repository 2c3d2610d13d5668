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
}
