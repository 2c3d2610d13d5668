using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Idp.Accounts;
using Idp.Configuration;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Pages.Register;

public sealed class RegisterInput
{
    [Display(Name = "Register_Email")]
    [Required(ErrorMessage = "Register_Email_Required")]
    [StringLength(254, ErrorMessage = "Validation_TooLong")]
    [EmailAddress(ErrorMessage = "Validation_Email_Invalid")]
    public string? Email { get; set; }

    [Display(Name = "Register_GivenName")]
    [Required(ErrorMessage = "Register_GivenName_Required")]
    [StringLength(100, ErrorMessage = "Validation_TooLong")]
    public string? GivenName { get; set; }

    [Display(Name = "Register_FamilyName")]
    [Required(ErrorMessage = "Register_FamilyName_Required")]
    [StringLength(100, ErrorMessage = "Validation_TooLong")]
    public string? FamilyName { get; set; }

    [Display(Name = "Register_Password")]
    [Required(ErrorMessage = "Register_Password_Required")]
    [StringLength(256, ErrorMessage = "Validation_TooLong")]
    public string? Password { get; set; }

    [Display(Name = "Register_ConfirmPassword")]
    [Required(ErrorMessage = "Register_ConfirmPassword_Required")]
    [Compare(nameof(Password), ErrorMessage = "Validation_PasswordsDiffer")]
    public string? ConfirmPassword { get; set; }
}

/// <summary>Self-registration: an account number is assigned and shown; the address is confirmed by a link.</summary>
public sealed class RegisterModel(
    AccountRegistration registration,
    AccountEmails emails,
    Data.IdpDbContext db,
    PortalInteraction interaction,
    IOptions<IdpOptions> options,
    IOptions<IdentityOptions> identity,
    IStringLocalizer<SharedResource> text,
    ILogger<RegisterModel> logger) : PageModel
{
    public const string AccountNumberKey = "Register.AccountNumber";

    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    public int PasswordLength => identity.Value.Password.RequiredLength;

    public IActionResult OnGet()
    {
        if (!options.Value.Accounts.SelfRegistration)
            return NotFound();
        ViewData["Instructions"] = text["Register_Instructions", PasswordLength].Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Accounts.SelfRegistration)
            return NotFound();
        ViewData["Instructions"] = text["Register_Instructions", PasswordLength].Value;
        if (!ModelState.IsValid)
            return Page();

        // The account and its confirmation e-mail (outbox) commit together: never an account whose mail was lost.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await registration.RegisterAsync(
            new RegistrationRequest(Input.Email!, Input.GivenName!, Input.FamilyName!, Input.Password!, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName),
            HttpContext,
            cancellationToken);
        if (!result.Succeeded)
        {
            ModelState.AddIdentityErrors(result.Errors, text, identity.Value, "Input.Password", "Input.Email");
            return Page();
        }

        var user = result.User!;
        var portal = await interaction.GetContextAsync(RequestId, cancellationToken);
        await emails.SendConfirmationAsync(user, portal?.RequestId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        UiLog.Registered(logger, user.Id);
        TempData[AccountNumberKey] = user.AccountNumber;
        return RedirectToPage("/Register/Done", new { request_id = portal?.RequestId });
    }
}
