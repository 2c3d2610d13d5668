using Idp.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Idp.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IdpDbContext"/> on the configured provider.</summary>
    public static IServiceCollection AddIdpData(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection($"{IdpOptions.Section}:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        switch (database.Provider)
        {
            case DatabaseProvider.PostgreSql:
                services.AddDbContextPool<IdpDbContext, PostgresIdpDbContext>(options => options.UseNpgsql(database.ConnectionString));
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<IdpDbContext, SqlServerIdpDbContext>(options => options.UseSqlServer(database.ConnectionString));
                break;
            default:
                services.AddDbContextPool<IdpDbContext, SqliteIdpDbContext>(options => options
                    .UseSqlite(SqliteConnectionStrings.Prepare(database.ConnectionString))
                    .AddInterceptors(SqliteConnectionSettings.Instance)
                    .AddInterceptors(SqliteWriteGate.Interceptors));
                break;
        }
        services.AddScoped<DatabaseMigrator>();
        return services;
    }
}
