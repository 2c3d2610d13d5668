using Microsoft.Data.SqlClient;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// The operator's own SQL Server for a run with <c>IDP_TEST_DATABASE=sqlserver</c>: no engine is started here, the
/// server named by <c>IDP_TEST_SQLSERVER_CONNECTION</c> is used (its login must be allowed to create databases). Each
/// test database is <c>idp_test_&lt;random&gt;</c>, created empty (the application migrates it at start-up) and dropped
/// on dispose.
/// </summary>
public static class SqlServerTestServer
{
    public const string ConnectionVariable = "IDP_TEST_SQLSERVER_CONNECTION";

    private static readonly Lazy<SqlConnectionStringBuilder> Admin = new(() =>
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(configured))
            throw new InvalidOperationException(
                $"{TestDatabase.EnvironmentVariable}=sqlserver needs {ConnectionVariable}, a connection string to a SQL Server whose login may create databases.");
        return new SqlConnectionStringBuilder(configured) { InitialCatalog = "master" };
    });

    /// <summary>Creates an empty database and returns its name and a connection string to it.</summary>
    public static (string Name, string ConnectionString) CreateDatabase()
    {
        var name = $"idp_test_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE [{name}]");
        var builder = new SqlConnectionStringBuilder(Admin.Value.ConnectionString) { InitialCatalog = name };
        return (name, builder.ConnectionString);
    }

    public static void DropDatabase(string name, string connectionString)
    {
        // Pooled connections of the app keep the database in use; SINGLE_USER rolls back whatever is left.
        using (var connection = new SqlConnection(connectionString))
            SqlConnection.ClearPool(connection);
        try
        {
            Execute($"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END");
        }
        catch (SqlException)
        {
            // A database left behind is named idp_test_*; failing the test for it would hide its real outcome.
        }
    }

    private static void Execute(string sql)
    {
        using var connection = new SqlConnection(Admin.Value.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
