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

    public SecondFactorState? State { get; private set; }

    protected SecondFactorFlow Flow => flow;

    /// <summary>A link to another step of the same flow (keeps the portal's request and the return target).</summary>
    public string StepLink(string path) => SecondFactorFlow.Link(path, State?.RequestId ?? RequestId, State?.Then ?? Then);

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
                : LocalRedirect(await flow.ChallengeUrlAsync(state.User.Id, state.RequestId, null, cancellationToken));
        }
        var factors = await registry.ListPrimaryAsync(state.User.Id, cancellationToken);
        if (factors.Count > 0 && !flow.IsFresh(state.Session!))
            return LocalRedirect(SecondFactorFlow.Link(Factors.FactorStepUpPolicy.StepUpPath, null, SecondFactorFlow.ThenProfile));
        return null;
    }

    /// <summary>Back to the password page (the pending sign-in expired or never was).</summary>
    protected IActionResult Restart() =>
        LocalRedirect(string.IsNullOrEmpty(RequestId) || RequestId.Length > 200 ? "/signin" : $"/signin?request_id={Uri.EscapeDataString(RequestId)}");
}
