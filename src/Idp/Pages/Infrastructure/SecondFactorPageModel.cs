using Idp.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Idp.Pages.Infrastructure;

/// <summary>
/// Base of the pages between password and session (challenge, enrolment, step-up): binds <c>request_id</c> and
/// <c>then</c>, and loads the <see cref="SecondFactorState"/> (pending sign-in or session).
/// </summary>
public abstract class SecondFactorPageModel(SecondFactorFlow flow) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "request_id")]
    public string? RequestId { get; set; }

    [BindProperty(SupportsGet = true, Name = "then")]
    public string? Then { get; set; }

    /// <summary>The level the step-up asks for (<c>level</c>, from <see cref="Factors.FactorStepUpPolicy"/>): only factors reaching it are offered.</summary>
    [BindProperty(SupportsGet = true, Name = "level")]
    public int? Level { get; set; }

    public SecondFactorState? State { get; private set; }

    /// <summary>The level this page's factor must reach (at least the second-factor level).</summary>
    public AuthenticationLevel RequiredLevel => SecondFactorFlow.RequiredLevel(Level);

    protected SecondFactorFlow Flow => flow;

    /// <summary>A link to another step of the same flow (keeps the portal's request and the return target).</summary>
    public string StepLink(string path) => SecondFactorFlow.Link(path, State?.RequestId ?? RequestId, State?.Then ?? Then, RequiredLevel);

    /// <summary>
    /// When <paramref name="factor"/> does not reach <see cref="RequiredLevel"/> and another of the user's factors
    /// does, the redirect to that factor's challenge page; null when this page may ask.
    /// </summary>
    protected async Task<IActionResult?> EnsureReachesAsync(Factors.ISecondFactor factor, CancellationToken cancellationToken)
    {
        if (factor.Level >= RequiredLevel || State is null
            || !await flow.OtherFactorReachesAsync(State.User.Id, factor.Kind, RequiredLevel, cancellationToken))
            return null;
        return LocalRedirect(await flow.ChallengeUrlAsync(State.User.Id, State.RequestId, State.Then, RequiredLevel, cancellationToken));
    }

    /// <summary>Loads the state; null when there is nothing to continue (the caller redirects to <see cref="Restart"/>).</summary>
    protected async Task<SecondFactorState?> LoadStateAsync(bool allowSession = true)
    {
        State = await flow.LoadAsync(HttpContext, RequestId, Then, allowSession);
        return State;
    }

    /// <summary>
    /// Enrolment is open to a pending sign-in whose enrolment is due, and to a session: a session of a user who
    /// already has a factor must have proved one recently (else it steps up first). Null when the page may go on.
    /// </summary>
    protected async Task<IActionResult?> EnsureMayEnrolAsync(Factors.FactorRegistry registry, CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync();
        if (state is null)
            return Restart();
        if (state.IsPending)
        {
            return state.Pending == PendingPurpose.Enrol
                ? null
                : LocalRedirect(await flow.ChallengeUrlAsync(state.User.Id, state.RequestId, null, cancellationToken: cancellationToken));
        }
        var factors = await registry.ListPrimaryAsync(state.User.Id, cancellationToken);
        if (factors.Count > 0 && !flow.IsFresh(state.Session!))
            return LocalRedirect(SecondFactorFlow.Link(Factors.FactorStepUpPolicy.StepUpPath, null, SecondFactorFlow.ThenProfile));
        return null;
    }

    /// <summary>Back to the password page (the pending sign-in expired or never was).</summary>
    protected IActionResult Restart() => LocalRedirect(RestartLink);

    /// <summary>The password page, for the portal's request when there is one.</summary>
    public string RestartLink =>
        string.IsNullOrEmpty(RequestId) || RequestId.Length > 200 ? "/signin" : $"/signin?request_id={Uri.EscapeDataString(RequestId)}";
}
