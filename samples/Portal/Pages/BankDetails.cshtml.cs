using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Portal.Authentication;
using Portal.BankDetails;

namespace Portal.Pages;

/// <summary>
/// "Change bank details": a sensitive page. It demands a second factor used within the last 5 minutes, checked on the
/// portal's own ID token first; then samples/Api, which checks the access token, may demand more (RFC 9470). Either way
/// the portal steps up once through Idp with acr_values and max_age, and explains instead of asking again when Idp's
/// answer still falls short (see <see cref="StepUpDecision"/>).
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class BankDetailsModel(
    BankDetailsClient api,
    TimeProvider clock,
    IOptions<PortalOptions> options,
    ILogger<BankDetailsModel> logger) : PageModel
{
    public const string PagePath = "/bank-details";

    /// <summary>What the page itself demands: a second factor, at most 300 seconds ago.</summary>
    public static readonly StepUpRequest PageDemand = new(AcrLevels.SecondFactor, 300);

    public SessionAuthentication? Session { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public BankAccount? Details { get; private set; }
    public string? Problem { get; private set; }
    public bool OfferStepUpAgain { get; private set; }
    public bool Saved { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    [BindProperty, Display(Name = "Account holder")]
    public string? AccountHolder { get; set; }

    [BindProperty, Display(Name = "IBAN")]
    public string? Iban { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await CheckSessionAsync() is { } stop)
            return stop;

        return await UseApiAsync(token => api.GetAsync(token, cancellationToken));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await CheckSessionAsync() is { } stop)
            return stop;

        return await UseApiAsync(token => api.PutAsync(token, AccountHolder ?? "", Iban ?? "", cancellationToken), saving: true);
    }

    /// <summary>"Try again" after an unreachable step-up: the user asks, so no loop guard.</summary>
    public IActionResult OnPostStepUp() => StepUp(PageDemand);

    /// <returns>Null when the portal's own session satisfies the page; otherwise a challenge or the page with an explanation.</returns>
    private async Task<IActionResult?> CheckSessionAsync()
    {
        Now = clock.GetUtcNow();
        if (User.Identity?.IsAuthenticated != true)
            return StepUp(PageDemand);

        var session = await HttpContext.AuthenticateAsync(PortalAuthenticationDefaults.CookieScheme);
        Session = SessionAuthentication.From(User, session.Properties);
        return PageDemand.IsSatisfiedBy(Session, Now) ? null : Decide(PageDemand);
    }

    private async Task<IActionResult> UseApiAsync(Func<string, Task<ApiResult<BankAccount>>> call, bool saving = false)
    {
        var accessToken = await HttpContext.GetTokenAsync(PortalAuthenticationDefaults.CookieScheme, "access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            Problem = "The portal holds no access token for you. Sign in again.";
            OfferStepUpAgain = true;
            return Page();
        }

        var result = await call(accessToken);
        switch (result.Outcome)
        {
            case ApiOutcome.Success:
                Details = result.Value;
                Saved = saving;
                break;
            case ApiOutcome.StepUpRequired:
                // The API's demand first; what it leaves out, the page's own.
                return Decide(result.StepUp!.Or(PageDemand));
            case ApiOutcome.Invalid:
                Errors = result.Errors ?? new Dictionary<string, string[]>();
                Problem = "Please correct the bank details.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case ApiOutcome.TokenRefused:
                Problem = $"The bank-details service did not accept the portal's access token ({result.Error}). Sign in again.";
                OfferStepUpAgain = true;
                break;
            default:
                Problem = $"The bank-details service at {options.Value.ApiBaseUrl} is not reachable. Is it running?";
                Response.StatusCode = StatusCodes.Status502BadGateway;
                break;
        }

        return Page();
    }

    private IActionResult Decide(StepUpRequest demand)
    {
        var decision = StepUpDecision.For(demand, Session!, Now);
        if (decision.Challenge is { } challenge)
            return StepUp(challenge);

        Log.StepUpUnreachable(logger, PagePath, decision.Unreachable!);
        Problem = decision.Unreachable;
        OfferStepUpAgain = true;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    private ChallengeResult StepUp(StepUpRequest demand)
    {
        Log.SteppingUp(logger, PagePath, demand.AcrValues, demand.MaxAgeSeconds);
        return Challenge(demand.ToProperties(Request.PathBase + PagePath), PortalAuthenticationDefaults.IdpScheme);
    }
}
