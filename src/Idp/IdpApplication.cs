using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Factors.Push;
using Idp.Factors.Push.WebPush;
using Idp.Messaging;
using Idp.Operations;
using Microsoft.Extensions.Options;

namespace Idp;

/// <summary>How the application is put together; each feature registers itself.</summary>
public static class IdpApplication
{
    public static WebApplicationBuilder AddIdp(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdpCore(builder.Configuration);
        services.AddIdpProtocol();
        services.AddAuthentication(SessionService.Scheme)
            .AddCookie(SessionService.Scheme, SessionService.ConfigureCookie);
        services.AddScoped<IStartupInitializer, Development.DemoDataInitializer>();
        services.AddIdpUserInterface();
        services.AddIdpJobs(builder.Configuration);
        services.AddIdpEmailDelivery();
        services.AddIdpOperations(builder.Configuration);
        return builder;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        app.Services.ValidateSettings();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    }

    /// <summary>
    /// Migrates (unless switched off), upserts configured clients, makes sure signing keys exist, seeds demo data; while
    /// the database is briefly unreachable, tries again (<see cref="StartupRetry"/>).
    /// </summary>
    public static async Task InitializeIdpAsync(this WebApplication app)
    {
        app.Services.ValidateSettings();
        var options = app.Services.GetRequiredService<IOptions<IdpOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupRetry));
        await StartupRetry.RunAsync(async cancellationToken =>
        {
            if (options.Database.MigrateOnStartup)
                await app.MigrateDatabaseAsync();

            await using var scope = app.Services.CreateAsyncScope();
            foreach (var initializer in scope.ServiceProvider.GetServices<IStartupInitializer>().OrderBy(i => i.Order))
                await initializer.InitializeAsync(cancellationToken);
        }, app.Services.GetRequiredService<TimeProvider>(), logger, app.Lifetime.ApplicationStopping);
    }

    public static WebApplication UseIdp(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseIdpPrometheusEndpoint();
        app.UseCookiePolicy();
        app.UseIdpUserInterface();
        app.UseIdpRateLimits();
        app.MapIdpHealthChecks();
        app.MapIdpProtocol();
        app.MapIdpPush();
        app.MapIdpWebPush();
        app.MapIdpUserInterface();
        return app;
    }
}
