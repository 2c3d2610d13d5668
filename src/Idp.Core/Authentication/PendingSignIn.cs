using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Idp.Authentication;

/// <summary>What the pending sign-in is waiting for.</summary>
public enum PendingPurpose
{
    /// <summary>A second factor the user already has.</summary>
    Challenge = 1,
    /// <summary>The enrolment of a first second factor.</summary>
    Enrol = 2,
}

public sealed record PendingState(string SubjectId, string SecurityStamp, bool Remember, string? RequestId, PendingPurpose Purpose);

/// <summary>
/// Between the password and the second factor: a short-lived, data-protected cookie of its own (not a session),
/// holding who typed the right password, "remember me", the portal's request and the security stamp.
/// </summary>
public static class PendingSignIn
{
    public const string Scheme = "Idp.Pending";
    public const string CookieName = "idp.pending";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static Task StartAsync(HttpContext http, PendingState state)
    {
        var claims = new List<Claim>
        {
            new(IdpClaimTypes.Subject, state.SubjectId),
            new("stamp", state.SecurityStamp),
            new("remember", state.Remember ? "1" : "0"),
            new("purpose", ((int)state.Purpose).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (state.RequestId is not null)
            claims.Add(new Claim("rid", state.RequestId));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, IdpClaimTypes.Subject, null));
        return http.SignInAsync(Scheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = false });
    }

    public static async Task<PendingState?> ReadAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (result.Principal is not { } principal)
            return null;
        var subject = principal.FindFirst(IdpClaimTypes.Subject)?.Value;
        var stamp = principal.FindFirst("stamp")?.Value;
        if (subject is null || stamp is null || !int.TryParse(principal.FindFirst("purpose")?.Value, out var purpose))
            return null;
        return new PendingState(subject, stamp, principal.FindFirst("remember")?.Value == "1", principal.FindFirst("rid")?.Value, (PendingPurpose)purpose);
    }

    public static Task EndAsync(HttpContext http) => http.SignOutAsync(Scheme);

    public static void ConfigureCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        // Made Secure for every https issuer by the application's cookie policy (IdpApplication).
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = Lifetime;
        cookie.SlidingExpiration = false;
        cookie.LoginPath = "/signin";
    }
}
