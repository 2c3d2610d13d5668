using Idp.Configuration;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>A fact that runs only in the PostgreSQL run (<c>IDP_TEST_DATABASE=postgres</c>) and is skipped otherwise.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.ConfiguredProvider != DatabaseProvider.PostgreSql)
            Skip = $"PostgreSQL only: run with {TestDatabase.EnvironmentVariable}=postgres.";
    }
}

/// <summary>A fact that runs only in the SQLite run (the default) and is skipped in the PostgreSQL and SQL Server runs.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.ConfiguredProvider != DatabaseProvider.Sqlite)
            Skip = $"SQLite only: run without {TestDatabase.EnvironmentVariable}.";
    }
}

/// <summary>A fact that runs only in the SQL Server run (<c>IDP_TEST_DATABASE=sqlserver</c>) and is skipped otherwise.</summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public SqlServerFactAttribute()
    {
        if (TestDatabase.ConfiguredProvider != DatabaseProvider.SqlServer)
            Skip = $"SQL Server only: run with {TestDatabase.EnvironmentVariable}=sqlserver and {SqlServerTestServer.ConnectionVariable}.";
    }
}
