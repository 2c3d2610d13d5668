using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Authentication;

namespace Portal.Pages;

/// <summary>
/// "Approve a payment": the portal's most sensitive page. It demands the phishing-resistant level (a passkey) used
/// within the last 5 minutes, checked on the portal's own ID token; otherwise it steps up once through Idp with
/// <c>acr_values=urn:idp:acr:phr</c> and <c>max_age</c>, and explains instead of asking again (<see cref="StepUpDecision"/>).
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ApprovePaymentModel(TimeProvider clock, ILogger<ApprovePaymentModel> logger) : PageModel
{
    public const string PagePath = "/approve-payment";

    /// <summary>What the page demands: a passkey, at most 300 seconds ago.</summary>
    public static readonly StepUpRequest PageDemand = new(AcrLevels.PhishingResistant, 300);

    public SessionAuthentication? Session { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Now = clock.GetUtcNow();
        if (User.Identity?.IsAuthenticated != true)
            return StepUp();

        var session = await HttpContext.AuthenticateAsync(PortalAuthenticationDefaults.CookieScheme);
        Session = SessionAuthentication.From(User, session.Properties);
        if (PageDemand.IsSatisfiedBy(Session, Now))
            return Page();

        var decision = StepUpDecision.For(PageDemand, Session, Now);
        if (decision.Challenge is not null)
            return StepUp();
        Log.StepUpUnreachable(logger, PagePath, decision.Unreachable!);
        Problem = decision.Unreachable;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    /// <summary>"Try again" after an unreachable step-up: the user asks, so no loop guard.</summary>
    public IActionResult OnPostStepUp() => StepUp();

    private ChallengeResult StepUp()
    {
        Log.SteppingUp(logger, PagePath, PageDemand.AcrValues, PageDemand.MaxAgeSeconds);
        return Challenge(PageDemand.ToProperties(Request.PathBase + PagePath), PortalAuthenticationDefaults.IdpScheme);
    }
}
