using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Enrol;

/// <summary>"Willkommen zu Secure Login": shown once, before the first enrolment.</summary>
public sealed class WelcomeModel(SecondFactorFlow flow, FactorRegistry registry, UserManager<IdpUser> users, IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Welcome_Instructions"].Value;
        return await EnsureMayEnrolAsync(registry, cancellationToken) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await EnsureMayEnrolAsync(registry, cancellationToken) is { } redirect)
            return redirect;
        if (!State!.User.WelcomeShown)
        {
            State.User.WelcomeShown = true;
            await users.UpdateAsync(State.User);
        }
        return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
    }
}
