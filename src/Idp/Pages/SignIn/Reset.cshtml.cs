using Idp.Authentication;
using Idp.Helpdesk;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

public sealed class ResetInput
{
    public ResetReason? Reason { get; set; }
    public string? Contact { get; set; }
    public string? Message { get; set; }
}

/// <summary>
/// "Ich kann meinen zweiten Faktor nicht nutzen": the reset request form. Only after the right password (a pending
/// sign-in that waits for a factor); without one the browser goes back to the password page and learns nothing.
/// </summary>
public sealed class ResetModel(SecondFactorFlow flow, HelpdeskRequests helpdesk, IStringLocalizer<HelpdeskResource> text) : SecondFactorPageModel(flow)
{
    public const string Path = "/signin/reset";

    [BindProperty]
    public ResetInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync() is { } redirect)
            return redirect;
        if (await helpdesk.GetOpenForUserAsync(State!.User.Id, cancellationToken) is not null)
            return LocalRedirect(StepLink(ResetStatusModel.Path));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync() is { } redirect)
            return redirect;
        if (Input.Reason is null || string.IsNullOrWhiteSpace(Input.Contact))
        {
            ModelState.AddModelError("", text["Reset_Invalid"]);
            return Page();
        }
        var result = await helpdesk.SubmitAsync(State!.User, new ResetRequestForm(Input.Reason.Value, Input.Contact, Input.Message), HttpContext, cancellationToken);
        switch (result.Outcome)
        {
            case SubmitOutcome.Created:
                TempData[ResetStatusModel.NoticeKey] = "Status_Created";
                return LocalRedirect(StepLink(ResetStatusModel.Path));
            case SubmitOutcome.AlreadyOpen:
                TempData[ResetStatusModel.NoticeKey] = "Status_AlreadyOpen";
                return LocalRedirect(StepLink(ResetStatusModel.Path));
            case SubmitOutcome.TooMany:
                ModelState.AddModelError("", text["Reset_TooMany"]);
                return Page();
            default:
                ModelState.AddModelError("", text["Reset_Invalid"]);
                return Page();
        }
    }

    private async Task<IActionResult?> PrepareAsync()
    {
        var state = await LoadStateAsync(allowSession: false);
        if (state is null)
            return Restart();
        if (state.Pending == PendingPurpose.Enrol)
            return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
        return null;
    }
}
