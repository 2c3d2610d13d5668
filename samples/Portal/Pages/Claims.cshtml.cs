using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Authentication;

namespace Portal.Pages;

/// <summary>Lists the claims of the ID token saved with the session (authorization required: see Program).</summary>
public sealed class ClaimsModel : PageModel
{
    public IReadOnlyList<IdTokenClaimRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var idToken = await HttpContext.GetTokenAsync(PortalAuthenticationDefaults.IdTokenName);
        if (!string.IsNullOrEmpty(idToken))
            Rows = IdTokenClaimRow.Read(idToken);
    }
}
