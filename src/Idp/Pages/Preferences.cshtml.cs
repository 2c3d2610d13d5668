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

    public void OnGet() => ScreenReader = HttpContext.ScreenReaderMode();

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
