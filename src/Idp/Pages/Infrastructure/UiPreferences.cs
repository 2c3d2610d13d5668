namespace Idp.Pages.Infrastructure;

/// <summary>The visitor's display preferences, kept in cookies so they work without an account and without JavaScript.</summary>
public static class UiPreferences
{
    public const string ScreenReaderCookie = "idp.screenreader";

    public static bool ScreenReaderMode(this HttpContext http) =>
        http.Request.Cookies.TryGetValue(ScreenReaderCookie, out var value) && value == "1";

    public static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
        Path = "/",
        MaxAge = TimeSpan.FromDays(365),
    };

    /// <summary>The current URL, to come back to after changing a preference.</summary>
    public static string CurrentLocalUrl(this HttpContext http) => $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
}
