using Idp.Authentication;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Enrol;

/// <summary>The ten recovery codes, shown once (they come through TempData, which is read once).</summary>
public sealed class RecoveryCodesModel(SecondFactorFlow flow, IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    public IReadOnlyList<string> Codes { get; private set; } = [];
    public string ContinueUrl { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["RecoveryCodes_Instructions"].Value;
        var state = await LoadStateAsync();
        if (state is null || state.IsPending)
            return Restart();
        Codes = (TempData[EnrolTotpModel.RecoveryCodesKey]?.ToString() ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ContinueUrl = await Flow.ContinueUrlAsync(HttpContext, state, cancellationToken);
        if (Codes.Count == 0)
            return LocalRedirect(ContinueUrl);
        return Page();
    }
}
