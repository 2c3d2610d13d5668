using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Push;
using Idp.Pages.Infrastructure;
using Idp.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.SignIn;

/// <summary>What the waiting page shows.</summary>
public enum PushWaitView
{
    Waiting,
    Denied,
    WrongNumber,
    Expired,
    TooSoon,
}

/// <summary>
/// "Confirm in the app": after the password (or for a step-up) a request goes to the user's companion
/// authenticator; the page shows the number to pick there and waits. <c>wwwroot/js/push-wait.js</c> listens to
/// <c>/signin/push/events</c> and submits the form once the request is decided; without JavaScript the
/// "Continue" button does the same. Only this browser (the <c>idp.push</c> cookie) may use the approval, once.
/// </summary>
public sealed class PushChallengeModel(
    SecondFactorFlow flow,
    PushApprovals approvals,
    PushFactor push,
    FactorRegistry registry,
    PortalInteraction interaction,
    TimeProvider clock,
    IStringLocalizer<SharedResource> text) : SecondFactorPageModel(flow)
{
    /// <summary>The push request's id (not the portal's <c>request_id</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "push")]
    public string? PushId { get; set; }

    public AuthorizationContext? Portal { get; private set; }
    public PushRequest? Approval { get; private set; }
    public PushWaitView View { get; private set; }
    public bool HasRecoveryCodes { get; private set; }
    public IReadOnlyList<ISecondFactor> Others { get; private set; } = [];

    /// <summary>Where the page's forms post: this page with the flow's parameters (and a handler).</summary>
    public string FormAction(string? handler = null)
    {
        var link = StepLink(PushFactor.ChallengePage);
        return handler is null ? link : link + (link.Contains('?') ? "&" : "?") + "handler=" + handler;
    }

    public string EventsUrl => $"{PushFactor.ChallengePage}/events?request_id={Uri.EscapeDataString(Approval?.Id ?? "")}";

    /// <summary>Shows the browser's request (by <c>push</c>), or opens one.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        var binding = PushBrowser.EnsureBinding(HttpContext);
        if (!string.IsNullOrEmpty(PushId) && await approvals.FindForBrowserAsync(PushId, State!.User.Id, binding, cancellationToken) is { } existing)
        {
            Approval = existing;
            View = ViewOf(existing);
            return Page();
        }
        return await StartAsync(binding, cancellationToken);
    }

    /// <summary>"Continue": completes the sign-in when the request was approved, else shows where it stands.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        var request = await approvals.FindForBrowserAsync(PushId, State!.User.Id, HttpContext.Request.Cookies[PushBrowser.BindingCookie], cancellationToken);
        if (request is null)
            return LocalRedirect(StepLink(PushFactor.ChallengePage));
        Approval = request;
        if (request.State == PushRequestState.Approved && await approvals.ConsumeApprovalAsync(request, cancellationToken))
            return LocalRedirect(await Flow.CompleteAsync(HttpContext, State, push, trustBrowser: false, cancellationToken));
        View = ViewOf(request);
        if (View == PushWaitView.Waiting)
            ModelState.AddModelError("", text["Push_StillPending"]);
        return Page();
    }

    /// <summary>"Send a new request" after a denial or expiry (subject to the limits).</summary>
    public async Task<IActionResult> OnPostNewAsync(CancellationToken cancellationToken)
    {
        if (await PrepareAsync(cancellationToken) is { } redirect)
            return redirect;
        return await StartAsync(PushBrowser.EnsureBinding(HttpContext), cancellationToken);
    }

    private async Task<IActionResult> StartAsync(string binding, CancellationToken cancellationToken)
    {
        var portalName = Portal?.ClientName ?? text["Push_PortalProfile"].Value;
        var started = await approvals.StartAsync(HttpContext, State!.User.Id, binding, Portal?.ClientId, portalName, cancellationToken);
        if (started.Problem == PushProblem.NoDevice)
            return LocalRedirect(await Flow.ChallengeUrlAsync(State.User.Id, State.RequestId, State.Then, RequiredLevel, cancellationToken));
        if (started.Request is null)
        {
            View = PushWaitView.TooSoon;
            var wait = WaitText.Of((started.RetryAt ?? clock.GetUtcNow()) - clock.GetUtcNow(), text);
            // Say what stopped the last request (the usual reason for the wait) rather than a bare "too many requests".
            ModelState.AddModelError("", started.LastFailure switch
            {
                PushRequestState.WrongNumber => text["Push_WrongNumber_Wait", wait],
                PushRequestState.Denied => text["Push_Denied_Wait", wait],
                _ => text["Push_TooSoon", wait],
            });
            return Page();
        }
        Approval = started.Request;
        View = PushWaitView.Waiting;
        return Page();
    }

    private PushWaitView ViewOf(PushRequest request) => request.State switch
    {
        PushRequestState.Pending when !approvals.IsExpired(request) => PushWaitView.Waiting,
        PushRequestState.Approved => PushWaitView.Waiting,
        PushRequestState.Denied => PushWaitView.Denied,
        PushRequestState.WrongNumber => PushWaitView.WrongNumber,
        _ => PushWaitView.Expired,
    };

    private async Task<IActionResult?> PrepareAsync(CancellationToken cancellationToken)
    {
        ViewData["Instructions"] = text["Push_Instructions"].Value;
        var state = await LoadStateAsync();
        if (state is null)
            return Restart();
        if (state.Pending == PendingPurpose.Enrol)
            return LocalRedirect(StepLink(SecondFactorFlow.ChoosePath));
        Portal = await interaction.GetContextAsync(state.RequestId, cancellationToken);
        var factors = await registry.ListAsync(state.User.Id, cancellationToken);
        if (!factors.Any(f => f.Kind == FactorKind.Push))
            return LocalRedirect(await Flow.ChallengeUrlAsync(state.User.Id, state.RequestId, state.Then, RequiredLevel, cancellationToken));
        if (await EnsureReachesAsync(push, cancellationToken) is { } stronger)
            return stronger;
        HasRecoveryCodes = registry.Get(FactorKind.RecoveryCode)?.Level >= RequiredLevel && factors.Any(f => f.Kind == FactorKind.RecoveryCode && f.Remaining > 0);
        Others = factors.Select(f => f.Kind).Distinct()
            .Select(registry.Get).OfType<ISecondFactor>()
            .Where(f => f.Kind != FactorKind.Push && !f.IsFallback && f.Level >= RequiredLevel).ToList();
        return null;
    }
}
