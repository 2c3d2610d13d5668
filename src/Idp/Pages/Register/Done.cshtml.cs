using Idp.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Idp.Pages.Register;

/// <summary>Shows the new account number once (it came through TempData, so a reload shows only the general text).</summary>
public sealed class RegisterDoneModel(IOptions<IdpOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    public string? AccountNumber { get; private set; }
    public bool RequireConfirmedEmail => options.Value.Accounts.RequireConfirmedEmail;

    public IActionResult OnGet()
    {
        if (!options.Value.Accounts.SelfRegistration)
            return NotFound();
        AccountNumber = TempData[RegisterModel.AccountNumberKey]?.ToString();
        return Page();
    }
}
