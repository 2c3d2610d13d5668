using Idp.Authentication;
using Idp.Factors.Passkeys;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

/// <summary>
/// Password-less sign-in: a discoverable passkey with user verification names the account and proves it; the
/// session gets <c>hwk</c> (or <c>swk</c> for a synced passkey), <c>user mfa</c> and the phishing-resistant level.
/// </summary>
public sealed class PasswordlessModel(
    PasskeyAuthenticators passkeys,
    SessionService sessions,
    PortalInteraction interaction,
    IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    /// <summary>The authenticator's response (JSON of the PublicKeyCredential), filled in by the script.</summary>
    [BindProperty]
    public string? Credential { get; set; }

    public AuthorizationContext? Portal { get; private set; }

    /// <summary>Options for <c>navigator.credentials.get</c> without a user: the authenticator offers its passkeys.</summary>
    public string OptionsJson { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Portal = await interaction.GetContextAsync(RequestId, cancellationToken);
        OptionsJson = await passkeys.BeginAssertionAsync(HttpContext, user: null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Portal = await interaction.GetContextAsync(RequestId, cancellationToken);
        var (outcome, user) = await passkeys.CompleteDiscoverableAssertionAsync(HttpContext, Credential is { Length: > 100_000 } ? null : Credential);
        if (outcome.Succeeded && user is not null)
        {
            await sessions.SignInAsync(HttpContext, user, [.. outcome.Amr ?? passkeys.Amr, AuthenticationMethods.MultiFactor], outcome.Level ?? passkeys.Level, persistent: false);
            // The passkey proved who this is, as a password would: the portal's request is now this user's.
            if (Portal is not null)
                await interaction.Engine!.BindSubjectAsync(Portal.RequestId, user.Id, cancellationToken);
            return LocalRedirect(interaction.ContinueUrl(Portal));
        }
        // A removed passkey: trying again cannot work, the password (then another factor) can.
        ModelState.AddModelError("", text[outcome.Error == "Passkey_NotRegistered" ? "Passwordless_NotRegistered" : outcome.Error!]);
        OptionsJson = await passkeys.BeginAssertionAsync(HttpContext, user: null);
        return Page();
    }
}
