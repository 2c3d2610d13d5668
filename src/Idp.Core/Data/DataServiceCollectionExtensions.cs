using Idp.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
                services.AddDbContextPool<IdpDbContext, PostgresIdpDbContext>((provider, options) => options
                    .UseNpgsql(PostgresConnectionStrings.Prepare(database.ConnectionString))
                    .AddInterceptors(PreparedQueries.Interceptor)
                    .AddInterceptors(Registered(provider)));
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<IdpDbContext, SqlServerIdpDbContext>((provider, options) => options.UseSqlServer(database.ConnectionString).AddInterceptors(Registered(provider)));
                break;
            default:
                services.AddDbContextPool<IdpDbContext, SqliteIdpDbContext>((provider, options) => options
                    .UseSqlite(SqliteConnectionStrings.Prepare(database.ConnectionString))
                    .AddInterceptors(SqliteConnectionSettings.Instance)
                    .AddInterceptors(SqliteWriteGate.Interceptors)
                    .AddInterceptors(Registered(provider)));
                services.AddHostedService(provider => new SqliteCheckpointer(
                    database.ConnectionString, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<SqliteCheckpointer>>(),
                    provider.GetService<Operations.IdpMetrics>()));
                break;
        }
        services.AddScoped<DatabaseMigrator>();
        return services;
    }

    /// <summary>EF Core interceptors registered as services (none in Idp itself; tests inject database faults this way).</summary>
    private static IEnumerable<IInterceptor> Registered(IServiceProvider provider) => provider.GetServices<IInterceptor>();
}
