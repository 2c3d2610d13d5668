using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Idp.Admin.Pages;

[AllowAnonymous]
public sealed class SigninFailedModel : PageModel
{
    public string? Reason { get; private set; }

    public void OnGet(string? reason) => Reason = reason;
}
