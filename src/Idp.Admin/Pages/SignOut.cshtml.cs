using Idp.Admin.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Idp.Admin.Pages;

/// <summary>Ends the admin session, then Idp's (RP-initiated logout with the ID token as hint), back to <c>/signed-out</c>.</summary>
[AllowAnonymous]
public sealed class SignOutModel(IdpMetadata metadata) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await HttpContext.AuthenticateAsync(AdminAuthenticationDefaults.CookieScheme);
        var idToken = result.Properties?.GetTokenValue(AdminAuthenticationDefaults.IdTokenName);
        await HttpContext.SignOutAsync(AdminAuthenticationDefaults.CookieScheme);
        var signedOut = $"{Request.Scheme}://{Request.Host}{Request.PathBase}/signed-out";
        try
        {
            var configuration = await metadata.GetAsync(HttpContext.RequestAborted);
            if (!string.IsNullOrEmpty(configuration.EndSessionEndpoint) && idToken is not null)
            {
                return Redirect(QueryHelpers.AddQueryString(configuration.EndSessionEndpoint, new Dictionary<string, string?>
                {
                    ["id_token_hint"] = idToken,
                    ["post_logout_redirect_uri"] = signedOut,
                }));
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException)
        {
        }
        return Redirect("/signed-out");
    }
}
