using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Portal.Authentication;

namespace Portal.Pages;

/// <summary>
/// Ends the portal session, then RP-initiated logout at Idp (OpenID Connect RP-Initiated Logout 1.0 §2):
/// id_token_hint, client_id, post_logout_redirect_uri (the portal's /signed-out) and a state checked on return.
/// POST only (antiforgery is checked by Razor Pages), so no other site can sign the user out.
/// </summary>
public sealed class SignOutModel(IdpMetadata metadata, IOptions<PortalOptions> options) : PageModel
{
    public bool IdpUnreachable { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var idToken = await HttpContext.GetTokenAsync(PortalAuthenticationDefaults.IdTokenName);
        await HttpContext.SignOutAsync(PortalAuthenticationDefaults.CookieScheme);

        var configuration = await metadata.TryGetConfigurationAsync(cancellationToken);
        if (string.IsNullOrEmpty(configuration?.EndSessionEndpoint))
        {
            IdpUnreachable = true;
            return Page();
        }

        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = options.Value.ClientId,
            ["post_logout_redirect_uri"] = Url.PageLink("/SignedOut"),
            ["state"] = SignOutState.Issue(HttpContext),
        };
        if (!string.IsNullOrEmpty(idToken))
            parameters["id_token_hint"] = idToken;

        return Redirect(QueryHelpers.AddQueryString(configuration.EndSessionEndpoint, parameters));
    }
}
