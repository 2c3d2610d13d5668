using System.ComponentModel.DataAnnotations;
using Idp.Authentication;
using Idp.Factors;
using Idp.Factors.Passkeys;
using Idp.Factors.RecoveryCodes;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Enrol;

public sealed class PasskeyEnrolInput
{
    [Display(Name = "EnrolPasskey_Name")]
    [StringLength(100, ErrorMessage = "Validation_TooLong")]
    public string? Name { get; set; }
}

/// <summary>
/// Adds a passkey: the browser creates a credential (<c>wwwroot/js/passkey.js</c>, user verification required), the
/// response is checked against the challenge of this page and stored under the name given.
/// </summary>
public sealed class EnrolPasskeyModel(
    SecondFactorFlow flow,
    FactorRegistry registry,
    PasskeyAuthenticators passkeys,
    RecoveryCodeStore recoveryCodes,
    IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    [BindProperty]
    public PasskeyEnrolInput Input { get; set; } = new();

    /// <summary>The authenticator's response (JSON of the PublicKeyCredential), filled in by the script.</summary>
    [BindProperty]
    public string? Credential { get; set; }

    /// <summary>Options for <c>navigator.credentials.create</c>.</summary>
    public string OptionsJson { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        OptionsJson = await passkeys.BeginEnrolmentAsync(HttpContext, State!.User);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        if (Credential is { Length: > 100_000 })
            Credential = null;
        if (ModelState.IsValid)
        {
            var name = string.IsNullOrWhiteSpace(Input.Name) ? text["EnrolPasskey_DefaultName"].Value : Input.Name.Trim();
            var outcome = await passkeys.CompleteEnrolmentAsync(HttpContext, State!.User, Credential, name);
            if (outcome.Succeeded)
                return LocalRedirect(await NextAsync(outcome, cancellationToken));
            ModelState.AddModelError("", text[outcome.Error!]);
        }
        OptionsJson = await passkeys.BeginEnrolmentAsync(HttpContext, State!.User);
        return Page();
    }

    private async Task<string> NextAsync(PasskeyOutcome outcome, CancellationToken cancellationToken)
    {
        var next = State!.CompletesSignIn
            ? await Flow.CompleteAsync(HttpContext, State, passkeys, trustBrowser: false, cancellationToken, outcome.Amr, outcome.Level)
            : await Flow.ContinueUrlAsync(HttpContext, State, cancellationToken);
        var hasCodes = (await recoveryCodes.ListAsync(State.User.Id, cancellationToken)).Any(c => c.Remaining > 0);
        if (hasCodes)
            return State.CompletesSignIn ? next : SecondFactorFlow.ProfilePath;
        TempData[EnrolTotpModel.RecoveryCodesKey] = string.Join('\n', await recoveryCodes.GenerateAsync(HttpContext, State.User.Id, cancellationToken));
        return StepLink(RecoveryCodeStore.ShowPage);
    }
}
