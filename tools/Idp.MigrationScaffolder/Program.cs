// Usage: dotnet run --project tools/Idp.MigrationScaffolder -- <MigrationName> [--provider Sqlite|PostgreSql|SqlServer]
// Adds the migration for every provider (SQLite, PostgreSQL, SQL Server), built from the same model the server uses;
// --provider limits it to one (e.g. the first migration of a provider added later).
using Idp;
using Idp.Data;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations.Design;

var providers = new[]
{
    (Provider: "Sqlite", Folder: "Sqlite", Connection: "Data Source=:memory:"),
    (Provider: "PostgreSql", Folder: "Postgres", Connection: "Host=127.0.0.1;Database=scaffold"),
    (Provider: "SqlServer", Folder: "SqlServer", Connection: "Server=127.0.0.1;Database=scaffold;TrustServerCertificate=True"),
};
string? only = null;
if (args.Length == 3 && args[1] == "--provider")
    only = providers.Select(p => p.Provider).FirstOrDefault(p => string.Equals(p, args[2], StringComparison.OrdinalIgnoreCase));
if (args.Length is not (1 or 3) || (args.Length == 3 && only is null))
{
    Console.Error.WriteLine("usage: Idp.MigrationScaffolder <MigrationName> [--provider Sqlite|PostgreSql|SqlServer]");
    return 2;
}

var root = FindRepositoryRoot();
foreach (var (provider, folder, connection) in providers.Where(p => only is null || p.Provider == only))
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = Path.GetTempPath() });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Idp:Issuer"] = "http://localhost:5000",
        ["Idp:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
        ["Idp:Database:Provider"] = provider,
        ["Idp:Database:ConnectionString"] = connection,
    });
    builder.Services.AddIdpCore(builder.Configuration);
    await using var app = builder.Build();
    await using var scope = app.Services.CreateAsyncScope();
    var context = scope.ServiceProvider.GetRequiredService<IdpDbContext>();

    var design = new ServiceCollection();
    design.AddEntityFrameworkDesignTimeServices();
    design.AddDbContextDesignTimeServices(context);
    var providerServices = context.Database.ProviderName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => (IDesignTimeServices)new Microsoft.EntityFrameworkCore.Sqlite.Design.Internal.SqliteDesignTimeServices(),
        "Microsoft.EntityFrameworkCore.SqlServer" => new Microsoft.EntityFrameworkCore.SqlServer.Design.Internal.SqlServerDesignTimeServices(),
        _ => new Npgsql.EntityFrameworkCore.PostgreSQL.Design.Internal.NpgsqlDesignTimeServices(),
    };
    providerServices.ConfigureDesignTimeServices(design);
    var scaffolder = design.BuildServiceProvider().GetRequiredService<IMigrationsScaffolder>();
    var migration = scaffolder.ScaffoldMigration(args[0], "Idp", $"Data.Migrations.{folder}", "C#");
    var project = Path.Combine(root, "src", "Idp.Core");
    var files = scaffolder.Save(project, migration, Path.Combine(project, "Data", "Migrations", folder));
    Console.WriteLine($"{provider}: {files.MigrationFile}");
}
return 0;

static string FindRepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Idp.sln")))
        directory = directory.Parent;
    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}
