using System.ComponentModel.DataAnnotations;
using Idp.Accounts;
using Idp.Authentication;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Idp.Pages.SignIn;

public sealed class SignInInput
{
    [Display(Name = "SignIn_Login")]
    [Required(ErrorMessage = "SignIn_Login_Required")]
    [StringLength(AccountLookup.MaxLoginLength, ErrorMessage = "Validation_TooLong")]
    public string? Login { get; set; }

    [Display(Name = "SignIn_Password")]
    [Required(ErrorMessage = "SignIn_Password_Required")]
    [StringLength(1024, ErrorMessage = "Validation_TooLong")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    [Display(Name = "SignIn_RememberMe")]
    public bool RememberMe { get; set; }
}

/// <summary>
/// The password step. With <c>request_id</c> it serves a portal's authorization request and goes back to the
/// engine afterwards; without, it signs the user in to Idp itself and goes home.
/// </summary>
public sealed class SignInModel(
    PasswordSignIn passwordSignIn,
    SecondFactorFlow secondFactor,
    PortalInteraction interaction,
    UserManager<IdpUser> users,
    AccountEmails emails,
    IOptions<IdpOptions> options,
    IStringLocalizer<SharedResource> text,
    ILogger<SignInModel> logger) : PageModel
{
    private const string ResendKey = "SignIn.ResendConfirmationFor";

    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    /// <summary>Kept on the forms that post elsewhere, so the portal's language choice stays.</summary>
    [BindProperty(SupportsGet = true, Name = "ui_locales")]
    public string? UiLocales { get; set; }

    [BindProperty]
    public SignInInput Input { get; set; } = new();

    public AuthorizationContext? Portal { get; private set; }
    public bool RequestUnknown { get; private set; }
    public bool SelfRegistration => options.Value.Accounts.SelfRegistration;
    public bool OfferResendConfirmation { get; private set; }
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPortalAsync(cancellationToken);
        if (string.IsNullOrEmpty(Input.Login) && Portal?.LoginHint is { Length: > 0 and <= AccountLookup.MaxLoginLength } hint)
            Input.Login = hint;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadPortalAsync(cancellationToken);
        if (!ModelState.IsValid)
            return Page();

        var result = await passwordSignIn.CheckAsync(HttpContext, Input.Login, Input.Password, Portal?.ClientId, cancellationToken);
        switch (result.Status)
        {
            case PasswordSignInStatus.Succeeded:
                // The second factor decides: challenge, enrolment, or a password-only session.
                return LocalRedirect(await secondFactor.AfterPasswordAsync(HttpContext, result.User!, Input.RememberMe, Portal, cancellationToken));

            case PasswordSignInStatus.AmbiguousLogin:
                // The password fits several accounts of the address: the field asks for the account number instead.
                var loginField = $"{nameof(Input)}.{nameof(SignInInput.Login)}";
                ModelState.Remove(loginField);
                Input.Login = null;
                ModelState.AddModelError(loginField, text["SignIn_AmbiguousEmail"]);
                return Page();

            case PasswordSignInStatus.EmailNotConfirmed:
                // Only after the right password; TempData is encrypted, so the account cannot be swapped.
                TempData[ResendKey] = result.User!.Id;
                OfferResendConfirmation = true;
                ModelState.AddModelError("", text["SignIn_EmailNotConfirmed"]);
                return Page();

            default:
                ModelState.AddModelError("", text["SignIn_Failed"]);
                return Page();
        }
    }

    public async Task<IActionResult> OnPostResendConfirmationAsync(CancellationToken cancellationToken)
    {
        await LoadPortalAsync(cancellationToken);
        ModelState.Clear();
        // TempData turns GUID-like strings into Guid on the way back, hence ToString.
        if (TempData[ResendKey]?.ToString() is { Length: > 0 } userId && await users.FindByIdAsync(userId) is { EmailConfirmed: false } user)
        {
            await emails.SendConfirmationAsync(user, Portal?.RequestId, cancellationToken);
            UiLog.ConfirmationResent(logger, user.Id);
        }
        Notice = text["SignIn_ConfirmationResent"];
        return Page();
    }

    private async Task LoadPortalAsync(CancellationToken cancellationToken)
    {
        Portal = await interaction.GetContextAsync(RequestId, cancellationToken);
        RequestUnknown = !string.IsNullOrEmpty(RequestId) && Portal is null;
        if (RequestUnknown)
            UiLog.InteractionUnknown(logger);
        ViewData["Instructions"] = text["SignIn_Instructions"].Value;
    }
}
