using Idp.Configuration;
using Microsoft.Data.Sqlite;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// One fresh, empty database for one test: a SQLite file in a temporary folder, a new database on the test run's
/// PostgreSQL server when the environment variable <c>IDP_TEST_DATABASE=postgres</c> is set, or on the operator's SQL
/// Server (<c>IDP_TEST_DATABASE=sqlserver</c> with <c>IDP_TEST_SQLSERVER_CONNECTION</c>). The application creates
/// the schema with its migrations at start-up. Disposing deletes it.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string EnvironmentVariable = "IDP_TEST_DATABASE";

    private readonly Action _drop;
    private int _disposed;

    private TestDatabase(DatabaseProvider provider, string connectionString, string name, Action drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Name = name;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>The SQLite file path or the server's database name (for messages).</summary>
    public string Name { get; }

    /// <summary>The provider chosen for this test run by <c>IDP_TEST_DATABASE</c> (<c>sqlite</c>, the default, <c>postgres</c> or <c>sqlserver</c>).</summary>
    public static DatabaseProvider ConfiguredProvider
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant();
            return value switch
            {
                null or "" or "sqlite" => DatabaseProvider.Sqlite,
                "postgres" or "postgresql" or "pg" => DatabaseProvider.PostgreSql,
                "sqlserver" or "mssql" => DatabaseProvider.SqlServer,
                _ => throw new InvalidOperationException($"{EnvironmentVariable}='{value}' is not known: use 'sqlite' (the default), 'postgres' or 'sqlserver'."),
            };
        }
    }

    /// <summary>A fresh database on the provider of this test run.</summary>
    public static TestDatabase Create() => Create(ConfiguredProvider);

    public static TestDatabase Create(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.PostgreSql => CreatePostgres(),
        DatabaseProvider.SqlServer => CreateSqlServer(),
        _ => CreateSqlite(),
    };

    public static TestDatabase CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "idp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "idp.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file }.ToString();
        return new TestDatabase(DatabaseProvider.Sqlite, connectionString, file, () =>
        {
            // Pooled connections keep the file open; closing idle ones elsewhere is harmless.
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        });
    }

    public static TestDatabase CreatePostgres()
    {
        var server = PostgresServer.Instance;
        var name = server.CreateDatabase();
        var connectionString = server.ConnectionStringFor(name);
        return new TestDatabase(DatabaseProvider.PostgreSql, connectionString, name, () => server.DropDatabase(name, connectionString));
    }

    /// <summary>A new, empty database on <c>IDP_TEST_SQLSERVER_CONNECTION</c>'s server (no engine is started here).</summary>
    public static TestDatabase CreateSqlServer()
    {
        var (name, connectionString) = SqlServerTestServer.CreateDatabase();
        return new TestDatabase(DatabaseProvider.SqlServer, connectionString, name, () => SqlServerTestServer.DropDatabase(name, connectionString));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _drop();
    }
}
