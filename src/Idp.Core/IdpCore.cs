using Idp.Authentication;
using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Push.WebPush;
using Idp.Helpdesk;
using Idp.Operations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp;

/// <summary>The services Idp and the admin area share; each web app adds its own endpoints, pages and sign-in on top.</summary>
public static class IdpCore
{
    /// <summary>Idp's jobs run on Idp's nodes only; the setting is known to every app that shares its configuration.</summary>
    public const string JobsEnabledSetting = "Idp:Jobs:Enabled";

    /// <summary>
    /// Idp's options, database, data protection, accounts, factors, token and client services, without its endpoints,
    /// pages, sign-in cookie or jobs: what another application on the same database needs (the admin area).
    /// </summary>
    public static IServiceCollection AddIdpCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKnownSettings(JobsEnabledSetting, typeof(bool));
        services.AddSettings<IdpOptions>(IdpOptions.Section);
        services.AddSingleton<IValidateOptions<IdpOptions>, IdpOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        // The e-mails and push texts the shared services write are localized (Resources/).
        services.AddLocalization();

        services.AddIdpData(configuration);
        services.AddIdpSecurity();
        services.AddIdpAccounts();
        services.AddIdpFactors();
        services.AddIdpHelpdesk();
        services.AddIdpWebPush(configuration);
        services.AddIdpProtocolCore();
        services.AddIdpMessaging();
        services.AddIdpOperationsCore(configuration);
        return services;
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
        // Idp's grant store replaces it where the provider allows one statement (SQLite, PostgreSQL).
        services.AddScoped<ISessionReads, EfSessionReads>();
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
