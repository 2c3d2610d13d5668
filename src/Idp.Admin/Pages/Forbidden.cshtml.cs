using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Idp.Admin.Pages;

/// <summary>The 403 page: no staff role, a role too low for the page, or a sign-in below the required level.</summary>
[AllowAnonymous]
public sealed class ForbiddenModel(IOptions<AdminOptions> options) : PageModel
{
    public bool Level { get; private set; }
    public string RequiredAcr => options.Value.RequiredAcr;

    public void OnGet(string? reason)
    {
        Level = reason == "level";
        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
