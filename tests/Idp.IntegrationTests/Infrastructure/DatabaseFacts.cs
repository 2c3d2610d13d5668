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

/// <summary>A fact that runs only in the SQLite run (the default) and is skipped in the PostgreSQL run.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.ConfiguredProvider != DatabaseProvider.Sqlite)
            Skip = $"SQLite only: run without {TestDatabase.EnvironmentVariable}=postgres.";
    }
}
