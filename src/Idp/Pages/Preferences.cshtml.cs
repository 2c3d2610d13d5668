using Idp.Pages.Infrastructure;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Idp.Pages;

/// <summary>Language and screen-reader mode, as plain form posts (no JavaScript) that set a cookie and go back.</summary>
public sealed class PreferencesModel : PageModel
{
    public bool ScreenReader { get; private set; }

    /// <summary>Where the settings were opened from, to go back to.</summary>
    public string ReturnUrl { get; private set; } = "/";

    public void OnGet(string? returnUrl)
    {
        ScreenReader = HttpContext.ScreenReaderMode();
        ReturnUrl = SafeReturnUrl(returnUrl, dropUiLocales: false);
    }

    /// <summary>
    /// The header's language link. Choosing a language by GET is harmless (a cookie that changes only how pages
    /// read) and keeps forms out of the header, so the first form of a page is the page's own.
    /// </summary>
    public IActionResult OnGetLanguage(string? culture, string? returnUrl) => OnPostLanguage(culture, returnUrl);

    public IActionResult OnPostLanguage(string? culture, string? returnUrl)
    {
        if (culture is not null && UiCultures.Supported.Contains(culture))
        {
            Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                UiPreferences.CookieOptions(HttpContext));
        }
        // ui_locales in the URL would win over the cookie: drop it so the choice shows at once.
        return LocalRedirect(SafeReturnUrl(returnUrl, dropUiLocales: true));
    }

    public IActionResult OnPostScreenReader(bool enable, string? returnUrl)
    {
        if (enable)
            Response.Cookies.Append(UiPreferences.ScreenReaderCookie, "1", UiPreferences.CookieOptions(HttpContext));
        else
            Response.Cookies.Delete(UiPreferences.ScreenReaderCookie, UiPreferences.CookieOptions(HttpContext));
        return LocalRedirect(SafeReturnUrl(returnUrl, dropUiLocales: false));
    }

    private string SafeReturnUrl(string? returnUrl, bool dropUiLocales)
    {
        if (string.IsNullOrEmpty(returnUrl) || !Url.IsLocalUrl(returnUrl) || returnUrl.StartsWith("/preferences", StringComparison.OrdinalIgnoreCase))
            return "/";
        if (!dropUiLocales)
            return returnUrl;

        var queryStart = returnUrl.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
            return returnUrl;
        var path = returnUrl[..queryStart];
        var query = QueryHelpers.ParseQuery(returnUrl[queryStart..]);
        var kept = query.Where(p => p.Key != UiLocalesRequestCultureProvider.QueryName)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        return QueryHelpers.AddQueryString(path, kept);
    }
}
