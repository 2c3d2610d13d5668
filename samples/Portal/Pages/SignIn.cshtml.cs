using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Authentication;

namespace Portal.Pages;

/// <summary>Starts the sign-in at Idp; comes back to <c>returnUrl</c> (local URLs only).</summary>
public sealed class SignInModel : PageModel
{
    public IActionResult OnGet(string? returnUrl)
    {
        var target = !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/claims";
        if (User.Identity?.IsAuthenticated == true)
            return LocalRedirect(target);

        return Challenge(new AuthenticationProperties { RedirectUri = target }, PortalAuthenticationDefaults.IdpScheme);
    }
}
