namespace Portal.Authentication;

/// <summary>What to do when the session does not satisfy a demand: ask Idp (once), or explain why not.</summary>
public sealed record StepUpDecision(StepUpRequest? Challenge, string? Unreachable)
{
    /// <summary>
    /// A session made by a step-up this recently, for a demand at least this strong, is Idp's answer to that demand:
    /// asking again would only loop.
    /// </summary>
    public static readonly TimeSpan LoopWindow = TimeSpan.FromMinutes(2);

    public const string UnreachablePrefix = "Your sign-in could not reach the required level: ";

    /// <summary>Decides for a demand the session does not (or, by the API's word, no longer) satisfy.</summary>
    public static StepUpDecision For(StepUpRequest demand, SessionAuthentication session, DateTimeOffset now)
    {
        var justSteppedUp = session.StepUp is { } asked && asked.Covers(demand)
            && session.SignedInAt is { } signedIn && now - signedIn < LoopWindow;
        if (!justSteppedUp)
            return new StepUpDecision(demand, null);

        var reason = !AcrLevels.Satisfies(session.Acr, demand.AcrValues)
            ? $"Idp signed you in at level {session.Acr ?? "(none)"} (methods: {(session.Amr.Count == 0 ? "none" : string.Join(", ", session.Amr))}), "
              + $"but this page needs {demand.AcrValues}. Set up a second factor at Idp, then try again."
            : !demand.IsFreshEnough(session, now)
                ? $"Idp did not ask you to authenticate again, but this page needs an authentication from the last {demand.MaxAgeSeconds} seconds."
                : "the bank-details service still refuses your sign-in after Idp confirmed it.";
        return new StepUpDecision(null, UnreachablePrefix + reason);
    }
}
