using Idp.Admin.Authentication;
using Idp.Admin.Infrastructure;
using Idp.Configuration;
using Idp.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Idp.Admin;

/// <summary>How the admin area is put together: Idp's core services on the same database, its own pages and staff sign-in through Idp.</summary>
public static class AdminApplication
{
    public static WebApplicationBuilder AddIdpAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // In Development Idp keeps its key-encryption key in a file beside its database; the admin area beside it uses the same.
        if (builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(builder.Configuration["Idp:KeyEncryptionKey"]))
        {
            var developmentKey = Path.Combine(builder.Environment.ContentRootPath, "..", "Idp", "App_Data", "development-kek.txt");
            if (File.Exists(developmentKey))
                builder.Configuration["Idp:KeyEncryptionKey"] = File.ReadAllText(developmentKey).Trim();
        }
        services.AddIdpCore(builder.Configuration);
        services.AddSettings<AdminOptions>(AdminOptions.Section);
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();

        services.AddHttpClient(AdminAuthenticationDefaults.BackchannelClient, http => http.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<IdpMetadata>();
        services.AddAuthentication(authentication =>
            {
                authentication.DefaultScheme = AdminAuthenticationDefaults.CookieScheme;
                authentication.DefaultChallengeScheme = AdminAuthenticationDefaults.IdpScheme;
            })
            .AddCookie(AdminAuthenticationDefaults.CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "idp.admin";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.SlidingExpiration = false;
                cookie.AccessDeniedPath = "/forbidden";
            })
            .AddIdpSignIn();
        services.AddOptions<CookieAuthenticationOptions>(AdminAuthenticationDefaults.CookieScheme)
            .Configure<IOptions<AdminOptions>>((cookie, admin) => cookie.ExpireTimeSpan = admin.Value.SessionLifetime);

        services.AddSingleton<IAuthorizationHandler, StaffLevelHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, StaffAuthorizationResultHandler>();
        services.AddAuthorization(StaffPolicies.Configure);

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(localization =>
        {
            string[] cultures = ["en", "de", "nl"];
            localization.SetDefaultCulture("en").AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
        });
        services.Configure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.Cookie.Name = "idp.admin.antiforgery";
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(Idp.Pages.PageConventions.RemoveJQueryValueProviders);
        services.AddRazorPages(pages =>
            {
                pages.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.ResponseCacheAttribute { NoStore = true, Location = Microsoft.AspNetCore.Mvc.ResponseCacheLocation.None });
                pages.Conventions.ConfigureFilter(new Idp.Pages.Infrastructure.UnknownHandlerFilter());
            })
            .AddViewLocalization();
        services.AddScoped<StaffActions>();
        services.AddScoped<RoleChanges>();
        return builder;
    }

    public static WebApplication UseIdpAdmin(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/error", "?code={0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // Pages answer GET, HEAD and POST; any other method is a 405 from routing, never a page rendered without its handler.
        app.MapRazorPages().WithMetadata(new Microsoft.AspNetCore.Routing.HttpMethodMetadata(Idp.Pages.PageConventions.PageMethods));
        Operations.IdpHealthChecks.MapIdpHealthChecks(app);
        return app;
    }
}
