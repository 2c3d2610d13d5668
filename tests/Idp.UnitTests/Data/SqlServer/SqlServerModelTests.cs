using System.Runtime.CompilerServices;
using Idp;
using Idp.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Idp.UnitTests.Data.SqlServer;

/// <summary>
/// What can be checked of the SQL Server provider without a server: none of these opens a connection (the
/// connection string names a host that is never reached). The context comes from the application's own services,
/// as in the server and the migration scaffolder: ASP.NET Core Identity shapes its tables from options there.
/// </summary>
public sealed class SqlServerModelTests : IAsyncLifetime
{
    private WebApplication? _app;
    private AsyncServiceScope _scope;
    private const string DummyConnection = "Server=sqlserver.invalid;Database=idp;User Id=idp;Password=unused;TrustServerCertificate=True";
    private const string SnapshotFile = "idempotent.sql";

    public Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Idp:Issuer"] = "http://localhost",
            ["Idp:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Idp:Database:Provider"] = nameof(Idp.Configuration.DatabaseProvider.SqlServer),
            ["Idp:Database:ConnectionString"] = DummyConnection,
        });
        builder.AddIdp();
        _app = builder.Build();
        _scope = _app.Services.CreateAsyncScope();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _scope.DisposeAsync();
        if (_app is not null)
            await _app.DisposeAsync();
    }

    private IdpDbContext CreateContext() => _scope.ServiceProvider.GetRequiredService<IdpDbContext>();

    [Fact]
    public void SqlServer_ModelBuilds()
    {
        var db = CreateContext();

        var model = db.GetService<IDesignTimeModel>().Model;

        Assert.IsType<SqlServerIdpDbContext>(db);
        Assert.Equal("Microsoft.EntityFrameworkCore.SqlServer", db.Database.ProviderName);
        Assert.NotNull(model.FindEntityType(typeof(Idp.Data.Entities.SigningKey)));
        Assert.Equal("datetimeoffset", model.FindEntityType(typeof(Idp.Data.Entities.SigningKey))!
            .FindProperty(nameof(Idp.Data.Entities.SigningKey.ExpiresAt))!.GetColumnType());
    }

    [Fact]
    public void SqlServer_HasMigrations()
    {
        var db = CreateContext();

        Assert.Contains(db.Database.GetMigrations(), id => id.EndsWith("_SqlServerInitial", StringComparison.Ordinal));
    }

    [Fact]
    public void SqlServer_NoPendingModelChanges()
    {
        var db = CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model differs from the SQL Server migrations snapshot: add a migration with tools/Idp.MigrationScaffolder.");
    }

    [Fact]
    public void SqlServer_IdempotentScriptMatchesSnapshot()
    {
        var db = CreateContext();
        var script = Normalize(db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent));
        var snapshot = Path.Combine(SourceFolder(), SnapshotFile);
        var expected = File.Exists(snapshot) ? Normalize(File.ReadAllText(snapshot)) : null;

        if (script != expected)
        {
            var actual = snapshot + ".new";
            File.WriteAllText(actual, script);
            Assert.Fail($"The SQL Server migration script differs from {snapshot}. The new script is in {actual}; " +
                        $"if the change is intended (a new migration), move it over the snapshot: mv '{actual}' '{snapshot}'.");
        }
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
