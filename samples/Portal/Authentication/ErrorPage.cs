using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Authentication;

/// <summary>The reasons the error page knows; only these codes (never exception text) reach the browser.</summary>
public static class ErrorPage
{
    public const string AccessDenied = "access_denied";
    public const string IdpUnavailable = "idp_unavailable";
    public const string SignInFailed = "signin_failed";

    public static string Path(HttpRequest request, string reason) =>
        QueryHelpers.AddQueryString($"{request.PathBase}/error", "reason", reason);
}
