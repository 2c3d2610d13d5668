using Idp.Authentication;
using Idp.Factors;
using Idp.Factors.Passkeys;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

/// <summary>The passkey after the password or for a step-up: one of the user's own credentials, user verification required.</summary>
public sealed class PasskeyChallengeModel(
    SecondFactorFlow flow,
    PasskeyAuthenticators passkeys,
    FactorRegistry registry,
    PortalInteraction interaction,
    IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    /// <summary>The authenticator's response (JSON of the PublicKeyCredential), filled in by the script.</summary>
    [BindProperty]
    public string? Credential { get; set; }

    public AuthorizationContext? Portal { get; private set; }
    public bool HasRecoveryCodes { get; private set; }
    public IReadOnlyList<ISecondFactor> Others { get; private set; } = [];

    /// <summary>Options for <c>navigator.credentials.get</c>.</summary>
    public string OptionsJson { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        OptionsJson = await passkeys.BeginAssertionAsync(HttpContext, State!.User);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        var outcome = await passkeys.CompleteAssertionAsync(HttpContext, State!.User, Credential is { Length: > 100_000 } ? null : Credential);
        if (outcome.Succeeded && outcome.Level < RequiredLevel)
            outcome = outcome with { Succeeded = false, Error = "Passkey_BelowLevel" };
        if (outcome.Succeeded)
            return LocalRedirect(await Flow.CompleteAsync(HttpContext, State, passkeys, trustBrowser: false, cancellationToken, outcome.Amr, outcome.Level));
        ModelState.AddModelError("", text[outcome.Error!]);
        OptionsJson = await passkeys.BeginAssertionAsync(HttpContext, State.User);
        return Page();
    }

    private async Task<IActionResult?> PrepareAsync(CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync();
        if (state is null)
            return Restart();
        if (state.Pending == PendingPurpose.Enrol)
            return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
        Portal = await interaction.GetContextAsync(state.RequestId, cancellationToken);
        var factors = await registry.ListAsync(state.User.Id, cancellationToken);
        if (!factors.Any(f => f.Kind == FactorKind.Passkey))
            return LocalRedirect(await Flow.ChallengeUrlAsync(state.User.Id, state.RequestId, state.Then, RequiredLevel, cancellationToken));
        if (await EnsureReachesAsync(passkeys, cancellationToken) is { } stronger)
            return stronger;
        HasRecoveryCodes = registry.Get(FactorKind.RecoveryCode)?.Level >= RequiredLevel && factors.Any(f => f.Kind == FactorKind.RecoveryCode && f.Remaining > 0);
        Others = factors.Select(f => f.Kind).Distinct()
            .Select(registry.Get).OfType<ISecondFactor>()
            .Where(f => f.Kind != FactorKind.Passkey && !f.IsFallback && f.Level >= RequiredLevel).ToList();
        return null;
    }
}
