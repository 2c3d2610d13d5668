using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Push;
using Idp.Factors.Push.WebPush;
using Idp.Helpdesk;
using Idp.Messaging;
using Idp.Operations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp;

/// <summary>How the application is put together; each feature registers itself.</summary>
public static class IdpApplication
{
    public static WebApplicationBuilder AddIdp(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdpCore(builder.Configuration);
        services.AddAuthentication(SessionService.Scheme)
            .AddCookie(SessionService.Scheme, SessionService.ConfigureCookie);
        services.AddScoped<IStartupInitializer, Development.DemoDataInitializer>();
        services.AddIdpUserInterface();
        services.AddIdpJobs(builder.Configuration);
        services.AddIdpEmailDelivery();
        services.AddIdpOperations(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Idp's options, database, data protection, accounts, factors, token and client services, without its endpoints,
    /// pages, sign-in cookie or jobs: what another application on the same database needs (the admin area).
    /// </summary>
    public static IServiceCollection AddIdpCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKnownSettings(JobsServiceCollectionExtensions.EnabledSetting, typeof(bool));
        services.AddSettings<IdpOptions>(IdpOptions.Section);
        services.AddSingleton<IValidateOptions<IdpOptions>, IdpOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();

        services.AddIdpData(configuration);
        services.AddIdpSecurity();
        services.AddIdpAccounts();
        services.AddIdpFactors();
        services.AddIdpHelpdesk();
        services.AddIdpWebPush(configuration);
        services.AddIdpProtocol();
        services.AddIdpMessaging();
        services.AddIdpOperationsCore(configuration);
        return services;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        app.Services.ValidateSettings();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    }

    /// <summary>Migrates (unless switched off), upserts configured clients, makes sure signing keys exist, seeds demo data.</summary>
    public static async Task InitializeIdpAsync(this WebApplication app)
    {
        app.Services.ValidateSettings();
        var options = app.Services.GetRequiredService<IOptions<IdpOptions>>().Value;
        if (options.Database.MigrateOnStartup)
            await app.MigrateDatabaseAsync();

        await using var scope = app.Services.CreateAsyncScope();
        foreach (var initializer in scope.ServiceProvider.GetServices<IStartupInitializer>().OrderBy(i => i.Order))
            await initializer.InitializeAsync(app.Lifetime.ApplicationStopping);
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

    private static IServiceCollection AddIdpAccounts(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<IdpOptions>>((forwarded, idp) =>
        {
            forwarded.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            foreach (var proxy in idp.Value.TrustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                    forwarded.KnownIPNetworks.Add(network);
                else
                    forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        // Every cookie is HttpOnly and SameSite=Lax, and Secure unless the issuer is http on loopback.
        services.AddOptions<CookiePolicyOptions>().Configure<IOptions<IdpOptions>>((policy, idp) =>
        {
            policy.HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always;
            policy.MinimumSameSitePolicy = SameSiteMode.Lax;
            policy.Secure = idp.Value.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? CookieSecurePolicy.Always
                : CookieSecurePolicy.SameAsRequest;
        });
        services.AddIdentityCore<IdpUser>(identity =>
            {
                identity.User.RequireUniqueEmail = false;
                identity.User.AllowedUserNameCharacters = "0123456789";
                identity.Password.RequiredLength = 10;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireDigit = false;
                identity.Lockout.AllowedForNewUsers = true;
                identity.SignIn.RequireConfirmedEmail = false;
                identity.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<IdpDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddScoped<SessionService>();
        services.AddScoped<IStartupInitializer, Accounts.StaffRolesInitializer>();
        services.AddHttpContextAccessor();
        services.AddScoped<Accounts.AuditTrail>();
        services.AddScoped<Accounts.AccountRevocation>();
        services.AddScoped<Accounts.AccountLookup>();
        // The one password check, for the sign-in form and the device API (the admin area shares the core).
        services.AddScoped<Authentication.PasswordSignIn>();
        services.AddScoped<Accounts.AccountNumberGenerator>();
        services.AddScoped<Accounts.AccountRegistration>();
        services.AddScoped<Accounts.AccountEmails>();
        services.AddScoped<Pages.Infrastructure.PortalInteraction>();
        return services;
    }
}

/// <summary>Work done once at start-up, after migrations, in <see cref="Order"/>.</summary>
public interface IStartupInitializer
{
    int Order { get; }
    Task InitializeAsync(CancellationToken cancellationToken);
}
