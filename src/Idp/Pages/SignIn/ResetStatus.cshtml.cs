using Idp.Authentication;
using Idp.Helpdesk;
using Idp.Pages.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Idp.Pages.SignIn;

/// <summary>
/// The state of the user's reset request: after the password (pending sign-in) or in a session. The link in the
/// e-mails leads here; without the password the page only asks to sign in, whatever reference is in the link.
/// Every link on it keeps the portal's <c>request_id</c>, so the sign-in goes on for the portal the user came from.
/// </summary>
public sealed class ResetStatusModel(SecondFactorFlow flow, HelpdeskRequests helpdesk, SlaCalendar calendar) : SecondFactorPageModel(flow)
{
    public const string Path = "/signin/reset/status";
    public const string NoticeKey = "ResetNotice";

    public bool SignedIn { get; private set; }
    public ResetRequestView? Latest { get; private set; }
    public string? Notice { get; private set; }

    /// <summary>Where "back to sign-in" leads: the factor pages of a pending sign-in, else the password page.</summary>
    public string SignInLink { get; private set; } = "/signin";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync();
        SignInLink = RestartLink;
        if (state is null)
            return Page();
        SignedIn = true;
        if (state.IsPending && state.Pending != PendingPurpose.Enrol)
            SignInLink = await Flow.ChallengeUrlAsync(state.User.Id, state.RequestId, state.Then, cancellationToken: cancellationToken);
        if (await helpdesk.GetLatestForUserAsync(state.User.Id, cancellationToken) is { } latest)
            Latest = ResetRequestView.Of(latest, calendar);
        Notice = TempData[NoticeKey]?.ToString();
        return Page();
    }
}
