using System.ComponentModel.DataAnnotations;
using Idp.Authentication;
using Idp.Factors;
using Idp.Factors.Totp;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

public sealed class TotpInput
{
    [Display(Name = "Totp_Code")]
    [Required(ErrorMessage = "Totp_Code_Required")]
    [StringLength(16, ErrorMessage = "Validation_TooLong")]
    public string? Code { get; set; }

    [Display(Name = "Totp_TrustBrowser")]
    public bool TrustBrowser { get; set; }
}

/// <summary>"PIN-Anmeldung": the code from the authenticator app, at sign-in or for a step-up.</summary>
public sealed class TotpChallengeModel(
    SecondFactorFlow flow,
    TotpAuthenticators totp,
    FactorRegistry registry,
    PortalInteraction interaction,
    TimeProvider clock,
    IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    [BindProperty]
    public TotpInput Input { get; set; } = new();

    public AuthorizationContext? Portal { get; private set; }
    public int TrustDays { get; private set; }
    public bool Locked { get; private set; }
    public bool HasRecoveryCodes { get; private set; }

    /// <summary>Other factors of the user to choose instead (their challenge pages), not this one.</summary>
    public IReadOnlyList<ISecondFactor> Others { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        if (!ModelState.IsValid)
            return Page();

        var result = await totp.VerifyAsync(HttpContext, State!.User.Id, null, Input.Code, Portal?.ClientId, cancellationToken);
        switch (result.Check)
        {
            case TotpCheck.Accepted:
                return LocalRedirect(await Flow.CompleteAsync(HttpContext, State, totp, Input.TrustBrowser && TrustDays > 0, cancellationToken));
            case TotpCheck.Locked:
                Locked = true;
                ModelState.AddModelError("", text["Totp_Locked"]);
                break;
            case TotpCheck.TooSoon:
                ModelState.AddModelError("", text["Totp_TooSoon", Seconds(result.RetryAt)]);
                break;
            case TotpCheck.Replayed:
                ModelState.AddModelError("Input.Code", text["Totp_Replayed"]);
                break;
            default:
                ModelState.AddModelError("Input.Code", result.RetryAt is null ? text["Totp_Wrong"] : text["Totp_WrongWait", Seconds(result.RetryAt)]);
                break;
        }
        ModelState.SetModelValue("Input.Code", "", "");
        return Page();
    }

    private async Task<IActionResult?> PrepareAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Totp_Instructions"].Value;
        var state = await LoadStateAsync();
        if (state is null)
            return Restart();
        if (state.Pending == PendingPurpose.Enrol)
            return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
        Portal = await interaction.GetContextAsync(state.RequestId, cancellationToken);
        TrustDays = await Flow.TrustDaysAsync(state, cancellationToken);
        var factors = await registry.ListAsync(state.User.Id, cancellationToken);
        var mine = factors.Where(f => f.Kind == FactorKind.Totp).ToList();
        if (mine.Count == 0)
            return LocalRedirect(await Flow.ChallengeUrlAsync(state.User.Id, state.RequestId, state.Then, RequiredLevel, cancellationToken));
        Locked = mine.All(f => f.Locked);
        if (await EnsureReachesAsync(totp, cancellationToken) is { } stronger)
            return stronger;
        HasRecoveryCodes = registry.Get(FactorKind.RecoveryCode)?.Level >= RequiredLevel && factors.Any(f => f.Kind == FactorKind.RecoveryCode && f.Remaining > 0);
        Others = factors.Select(f => f.Kind).Distinct()
            .Select(registry.Get).OfType<ISecondFactor>()
            .Where(f => f.Kind != FactorKind.Totp && !f.IsFallback && f.Level >= RequiredLevel).ToList();
        return null;
    }

    private int Seconds(DateTimeOffset? until) =>
        until is null ? 0 : Math.Max(1, (int)Math.Ceiling((until.Value - clock.GetUtcNow()).TotalSeconds));
}
