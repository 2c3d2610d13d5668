using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Authentication;

/// <summary>
/// The <c>state</c> of an RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2–3): a random value sent to
/// Idp's end_session_endpoint and kept in a short-lived cookie, compared when Idp sends the browser back.
/// </summary>
public static class SignOutState
{
    public const string CookieName = "portal.signout";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static string Issue(HttpContext context)
    {
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CookieName, state, CookieOptions(context));
        return state;
    }

    /// <summary>True when <paramref name="returnedState"/> is the one this browser was given; the cookie is removed either way.</summary>
    public static bool Consume(HttpContext context, string? returnedState)
    {
        var expected = context.Request.Cookies[CookieName];
        context.Response.Cookies.Delete(CookieName, CookieOptions(context));
        return expected is not null && returnedState is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(returnedState));
    }

    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Lax, // sent on the top-level redirect back from Idp
        Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
        MaxAge = Lifetime,
        IsEssential = true,
    };
}
