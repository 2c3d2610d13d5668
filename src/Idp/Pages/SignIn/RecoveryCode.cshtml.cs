using System.ComponentModel.DataAnnotations;
using Idp.Authentication;
using Idp.Factors.RecoveryCodes;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

public sealed class RecoveryCodeInput
{
    [Display(Name = "RecoveryCode_Code")]
    [Required(ErrorMessage = "RecoveryCode_Code_Required")]
    [StringLength(32, ErrorMessage = "Validation_TooLong")]
    public string? Code { get; set; }
}

/// <summary>The fallback when the authenticator is not at hand: one of the ten recovery codes, once.</summary>
public sealed class RecoveryCodeChallengeModel(
    SecondFactorFlow flow,
    RecoveryCodeStore codes,
    PortalInteraction interaction,
    IStringLocalizer<SharedResource> text,
    TimeProvider clock) : SecondFactorPageModel(flow)
{
    [BindProperty]
    public RecoveryCodeInput Input { get; set; } = new();

    public AuthorizationContext? Portal { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await PrepareAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        if (!ModelState.IsValid)
            return Page();
        var result = await codes.RedeemAsync(HttpContext, State!.User.Id, Input.Code, Portal?.ClientId, cancellationToken);
        if (!result.Succeeded)
        {
            ModelState.AddModelError("Input.Code", result.RetryAt is { } retryAt
                ? text["RecoveryCode_WrongWait", Math.Max(1, (int)Math.Ceiling((retryAt - clock.GetUtcNow()).TotalSeconds))]
                : text["RecoveryCode_Wrong"]);
            return Page();
        }
        return LocalRedirect(await Flow.CompleteAsync(HttpContext, State, codes, trustBrowser: false, cancellationToken));
    }

    private async Task<IActionResult?> PrepareAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["RecoveryCode_Instructions"].Value;
        var state = await LoadStateAsync();
        if (state is null)
            return Restart();
        if (state.Pending == PendingPurpose.Enrol)
            return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
        Portal = await interaction.GetContextAsync(state.RequestId, cancellationToken);
        return await EnsureReachesAsync(codes, cancellationToken);
    }
}
