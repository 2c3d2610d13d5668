using Idp.Accounts;
using Idp.Data.Entities;
using Idp.Pages.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Idp.Pages;

/// <summary>The link from the confirmation e-mail. Confirming is harmless to repeat, so the link works with GET.</summary>
public sealed class ConfirmEmailModel(
    UserManager<IdpUser> users,
    AuditTrail audit,
    ILogger<ConfirmEmailModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    public bool Confirmed { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Token) || UserId.Length > 64 || Token.Length > 2048)
            return Page();

        var user = await users.FindByIdAsync(UserId);
        if (user is null)
        {
            UiLog.EmailConfirmationFailed(logger);
            return Page();
        }
        if (user.EmailConfirmed)
        {
            Confirmed = true;
            return Page();
        }

        var result = await users.ConfirmEmailAsync(user, Token);
        Confirmed = result.Succeeded;
        if (Confirmed)
        {
            await audit.RecordAsync(AuditEventTypes.EmailConfirmed, HttpContext, user.Id, cancellationToken: cancellationToken);
            UiLog.EmailConfirmed(logger, user.Id);
        }
        else
        {
            UiLog.EmailConfirmationFailed(logger);
        }
        return Page();
    }
}
