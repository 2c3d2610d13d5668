using System.ComponentModel.DataAnnotations;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Pages;

/// <summary>A new password, typed twice: the reset link's form, and the profile's password change.</summary>
public class NewPasswordInput
{
    [Display(Name = "Reset_NewPassword")]
    [Required(ErrorMessage = "Register_Password_Required")]
    [StringLength(256, ErrorMessage = "Validation_TooLong")]
    public string? NewPassword { get; set; }

    [Display(Name = "Register_ConfirmPassword")]
    [Required(ErrorMessage = "Register_ConfirmPassword_Required")]
    [Compare(nameof(NewPassword), ErrorMessage = "Validation_PasswordsDiffer")]
    public string? ConfirmPassword { get; set; }
}

/// <summary>
/// The link from the reset e-mail. A new password ends every session of the account, lifts a lockout and,
/// as the link proves the mailbox, confirms the address.
/// </summary>
public sealed class ResetPasswordModel(
    UserManager<IdpUser> users,
    AccountRevocation revocation,
    IdpDbContext db,
    AuditTrail audit,
    IOptions<IdentityOptions> identity,
    IStringLocalizer<SharedResource> text,
    ILogger<ResetPasswordModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    [BindProperty]
    public NewPasswordInput Input { get; set; } = new();

    public bool LinkValid => !string.IsNullOrEmpty(UserId) && !string.IsNullOrEmpty(Token) && UserId.Length <= 64 && Token.Length <= 2048;
    public bool Done { get; private set; }
    public string? AccountNumber { get; private set; }
    public int PasswordLength => identity.Value.Password.RequiredLength;

    public async Task OnGetAsync()
    {
        if (LinkValid)
            AccountNumber = (await users.FindByIdAsync(UserId!))?.AccountNumber;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = LinkValid ? await users.FindByIdAsync(UserId!) : null;
        AccountNumber = user?.AccountNumber;
        if (!ModelState.IsValid)
            return Page();
        if (user is null)
        {
            UiLog.PasswordResetFailed(logger);
            ModelState.AddModelError("", text["Reset_InvalidLink"]);
            return Page();
        }

        // The new password and the revocation of everything the old one gave are one change.
        revocation.ForgetUncommitted();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var result = await users.ResetPasswordAsync(user, Token!, Input.NewPassword!);
            if (!result.Succeeded)
            {
                UiLog.PasswordResetFailed(logger);
                ModelState.AddIdentityErrors(result.Errors, text, identity.Value, "Input.NewPassword");
                return Page();
            }

            user.EmailConfirmed = true;
            user.AccessFailedCount = 0;
            user.LockoutCount = 0;
            user.LockoutEnd = null;
            audit.Add(AuditEventTypes.PasswordReset, HttpContext, user.Id);
            await users.UpdateAsync(user);
            var revoked = await revocation.RevokeAsync(user.Id, RevocationReason.PasswordReset, null, HttpContext, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            UiLog.PasswordReset(logger, user.Id, revoked.SessionsEnded);
        }
        revocation.NotifyCommitted();
        Done = true;
        return Page();
    }
}
