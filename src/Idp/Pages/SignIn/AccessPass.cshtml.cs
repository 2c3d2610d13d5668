using Idp.Authentication;
using Idp.Helpdesk;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

/// <summary>
/// "Temporären Zugangscode eingeben": after the password, instead of the second factor. A right pass revokes the old
/// factors and turns the pending sign-in into an enrolment; the session comes only from the newly enrolled factor.
/// </summary>
public sealed class AccessPassModel(
    SecondFactorFlow flow,
    HelpdeskRequests helpdesk,
    UserManager<Data.Entities.IdpUser> users,
    IStringLocalizer<HelpdeskResource> text) : SecondFactorPageModel(flow)
{
    public const string Path = "/signin/access-pass";

    [BindProperty]
    public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await PrepareAsync() is { } redirect)
            return redirect;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync() is { } redirect)
            return redirect;
        if (string.IsNullOrWhiteSpace(Code) || Code.Length > 64)
        {
            ModelState.AddModelError("Code", text["Pass_Invalid"]);
            return Page();
        }
        var state = State!;
        switch (await helpdesk.RedeemTemporaryAccessPassAsync(state.User.Id, Code, HttpContext, cancellationToken))
        {
            case TemporaryAccessPassOutcome.Accepted:
                var user = await users.FindByIdAsync(state.User.Id);
                await PendingSignIn.StartAsync(HttpContext, new PendingState(user!.Id, user.SecurityStamp ?? "", state.Remember, state.RequestId, PendingPurpose.Enrol));
                return LocalRedirect(SecondFactorFlow.Link(user.WelcomeShown ? SecondFactorFlow.ChoosePath : SecondFactorFlow.WelcomePath, state.RequestId, null));
            case TemporaryAccessPassOutcome.Wait:
                ModelState.AddModelError("", text["Pass_Wait"]);
                break;
            default:
                ModelState.AddModelError("Code", text["Pass_Invalid"]);
                break;
        }
        Code = null;
        return Page();
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
