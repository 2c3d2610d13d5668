using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Idp.IntegrationTests.Harness;

/// <summary>The PostgreSQL run's own server (<c>IDP_TEST_DATABASE=postgres</c>).</summary>
public sealed class PostgresTests
{
    [PostgresFact]
    public async Task App_StartsOnPostgres_AppliesMigrationsInItsOwnDatabase()
    {
        await using var factory = new IdpFactory();

        var tables = await factory.WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'")
            .ToListAsync());
        var database = new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString).Database;

        Assert.Contains("Clients", tables);
        Assert.Contains("AspNetUsers", tables);
        Assert.StartsWith("idp_test_", database);
    }

    [PostgresFact]
    public async Task Postgres_DisposedFactory_DropsItsDatabase()
    {
        string name;
        await using (var factory = new IdpFactory().Start())
            name = factory.Database.Name;

        await using var connection = new NpgsqlConnection(PostgresServer.Instance.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name);

        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [SqliteFact]
    public async Task App_StartsOnSqlite_CreatesTheDatabaseFileInATempFolder()
    {
        await using var factory = new IdpFactory().Start();

        Assert.True(File.Exists(factory.Database.Name), factory.Database.Name);
        Assert.StartsWith(Path.GetTempPath(), factory.Database.Name);
    }
}
