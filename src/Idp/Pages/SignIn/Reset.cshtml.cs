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
/// An open request leads to its status page; a decided one (say, rejected with the helpdesk's reason) is shown
/// above the form, so the user learns the outcome here and not only from the e-mail.
/// </summary>
public sealed class ResetModel(SecondFactorFlow flow, HelpdeskRequests helpdesk, SlaCalendar calendar, IStringLocalizer<HelpdeskResource> text) : SecondFactorPageModel(flow)
{
    public const string Path = "/signin/reset";

    [BindProperty]
    public ResetInput Input { get; set; } = new();

    /// <summary>The user's last request when it is decided (an open one redirects to the status page): shown above the form.</summary>
    public ResetRequestView? Previous { get; private set; }

    /// <summary>Back to the factor pages of this sign-in.</summary>
    public string BackLink { get; private set; } = "/signin";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        var latest = await helpdesk.GetLatestForUserAsync(State!.User.Id, cancellationToken);
        if (latest is { IsOpen: true })
            return LocalRedirect(StepLink(ResetStatusModel.Path));
        Previous = latest is null ? null : ResetRequestView.Of(latest, calendar);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        if (await helpdesk.GetLatestForUserAsync(State!.User.Id, cancellationToken) is { IsOpen: false } previous)
            Previous = ResetRequestView.Of(previous, calendar);
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

    private async Task<IActionResult?> PrepareAsync(CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(allowSession: false);
        if (state is null)
            return Restart();
        if (state.Pending == PendingPurpose.Enrol)
            return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
        BackLink = await Flow.ChallengeUrlAsync(state.User.Id, state.RequestId, state.Then, cancellationToken: cancellationToken);
        return null;
    }
}
