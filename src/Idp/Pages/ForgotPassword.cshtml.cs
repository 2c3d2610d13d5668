using System.ComponentModel.DataAnnotations;
using Idp.Accounts;
using Idp.Data;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Idp.Pages;

public sealed class ForgotPasswordInput
{
    [Display(Name = "SignIn_Login")]
    [Required(ErrorMessage = "SignIn_Login_Required")]
    [StringLength(AccountLookup.MaxLoginLength, ErrorMessage = "Validation_TooLong")]
    public string? Login { get; set; }
}

/// <summary>
/// Sends reset links to the e-mail address of the account(s) meant. The answer is the same whether or not any
/// account matched, so the page cannot be used to find out who has an account.
/// </summary>
public sealed class ForgotPasswordModel(
    AccountLookup lookup,
    AccountEmails emails,
    AuditTrail audit,
    IdpDbContext db,
    PortalInteraction interaction,
    IStringLocalizer<SharedResource> text,
    ILogger<ForgotPasswordModel> logger) : PageModel
{
    private const int MaxAccountsPerMail = 20;

    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    [BindProperty]
    public ForgotPasswordInput Input { get; set; } = new();

    public bool Sent { get; private set; }

    public void OnGet() => ViewData["Instructions"] = text["Forgot_Instructions"].Value;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Forgot_Instructions"].Value;
        if (!ModelState.IsValid)
            return Page();

        var accounts = await lookup.FindAsync(Input.Login, MaxAccountsPerMail, cancellationToken);
        var portal = await interaction.GetContextAsync(RequestId, cancellationToken);
        await emails.SendPasswordResetAsync(accounts, portal?.RequestId, cancellationToken);
        foreach (var account in accounts)
            audit.Add(AuditEventTypes.PasswordResetRequested, HttpContext, account.Id, portal?.ClientId);
        if (accounts.Count == 0)
            audit.Add(AuditEventTypes.PasswordResetRequested, HttpContext, details: "no matching account");
        await db.SaveChangesAsync(cancellationToken);
        UiLog.PasswordResetRequested(logger, accounts.Count);

        Sent = true;
        return Page();
    }
}
