using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Operations;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.WebEncoders;

namespace Idp.Pages;

public static class UserInterfaceServiceCollectionExtensions
{
    public static IServiceCollection AddIdpUserInterface(this IServiceCollection services)
    {
        services.AddLocalization();
        // German text stays readable in the HTML (ä, not &#xE4;); markup characters are still encoded.
        services.Configure<WebEncoderOptions>(encoder => encoder.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(UiCultures.Configure);
        services.Configure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.Cookie.Name = "idp.antiforgery";
            antiforgery.FormFieldName = "__RequestVerificationToken";
            // The security headers middleware sends DENY; antiforgery would otherwise add SAMEORIGIN first.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddRazorPages(pages =>
            {
                pages.Conventions.ConfigureFilter(new NoStoreFilter());
                pages.Conventions.ConfigureFilter(new UnknownHandlerFilter());
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(localization =>
                localization.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));

        services.Configure<MvcOptions>(PageConventions.RemoveJQueryValueProviders);
        return services;
    }

    public static WebApplication UseIdpUserInterface(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // Browsers get the friendly page; API and protocol clients keep problem details or their own errors.
        app.UseWhen(IsBrowserRequest, browser =>
        {
            browser.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", StatusCodeSelector = DatabaseOutage.StatusCodeFor });
            browser.UseStatusCodePagesWithReExecute("/error", "?code={0}");
        });
        app.UseWhen(context => !IsBrowserRequest(context), api => api.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = DatabaseOutage.StatusCodeFor }));
        // The device API's errors made by the framework (malformed JSON 400, 405, 415) get a problem-details body too.
        app.UseWhen(context => !IsBrowserRequest(context) && context.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseStaticFiles();
        app.UseRouting();
        app.UseCors();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapIdpUserInterface(this WebApplication app)
    {
        // Pages answer GET, HEAD and POST; any other method is a 405 from routing, never a page rendered without its handler.
        app.MapRazorPages().WithMetadata(new HttpMethodMetadata(PageConventions.PageMethods));
        return app;
    }

    private static bool IsBrowserRequest(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>The UI cultures and how one is chosen: <c>ui_locales</c>, then the culture cookie, then Accept-Language.</summary>
public static class UiCultures
{
    public const string Default = "en";
    public static readonly IReadOnlyList<string> Supported = ["en", "de", "nl"];

    /// <summary>Each language's name in itself, for the language switch (the same whatever the page's language).</summary>
    public static string NativeName(string culture) => culture switch
    {
        "de" => "Deutsch",
        "nl" => "Nederlands",
        _ => "English",
    };

    public static void Configure(RequestLocalizationOptions options)
    {
        var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
        options.DefaultRequestCulture = new RequestCulture(Default);
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        options.RequestCultureProviders =
        [
            new UiLocalesRequestCultureProvider(),
            new CookieRequestCultureProvider(),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }

    /// <summary>The first supported language tag of a space-separated list (OIDC <c>ui_locales</c>), by language.</summary>
    public static string? FirstSupported(string? uiLocales)
    {
        foreach (var tag in (uiLocales ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var language = tag.Split('-', '_')[0].ToLowerInvariant();
            if (Supported.Contains(language))
                return language;
        }
        return null;
    }
}

/// <summary>OIDC Core §3.1.2.1 <c>ui_locales</c>: the first supported tag wins; unsupported tags are ignored.</summary>
public sealed class UiLocalesRequestCultureProvider : RequestCultureProvider
{
    public const string QueryName = "ui_locales";

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var culture = UiCultures.FirstSupported(httpContext.Request.Query[QueryName].ToString());
        return Task.FromResult(culture is null ? null : new ProviderCultureResult(culture));
    }
}
