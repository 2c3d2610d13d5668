using Idp.Authentication;
using Idp.Pages.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Idp.Pages.SignIn;

/// <summary>
/// The authorization endpoint's step-up target (and the profile's "prove a fresh factor"): a signed-in user
/// is sent to the challenge page of a factor, never to the password again.
/// </summary>
public sealed class StepUpModel(SecondFactorFlow flow) : SecondFactorPageModel(flow)
{
    /// <summary>Goes to the challenge of a factor that reaches the level asked for (<c>level</c>): a PIN user asked for the phishing-resistant level gets the passkey.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // A half-finished sign-in of this browser must not be mistaken for this step-up.
        await PendingSignIn.EndAsync(HttpContext);
        var state = await Flow.LoadAsync(HttpContext, RequestId, Then);
        if (state is null || state.Session is null)
            return Restart();
        return LocalRedirect(await Flow.ChallengeUrlAsync(state.User.Id, state.RequestId, state.Then, RequiredLevel, cancellationToken));
    }
}
