using Idp.Accounts;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Pages.Infrastructure;
using Idp.Protocol.Clients;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp.Authentication;

/// <summary>
/// Where a second-factor page stands: either a pending sign-in (password done, no session yet) or a session
/// that steps up (the authorization endpoint asked for more, or the profile wants a fresh factor).
/// </summary>
public sealed record SecondFactorState(IdpUser User, string? RequestId, string? Then, bool Remember, PendingPurpose? Pending, UserSession? Session)
{
    public bool IsPending => Pending is not null;

    /// <summary>
    /// A factor verified on this page completes a sign-in: the pending one, or a portal's request that asked this
    /// session to enrol (the code just proven counts, as a challenge would).
    /// </summary>
    public bool CompletesSignIn => IsPending || RequestId is not null;
}

/// <summary>
/// The second factor between the password and the session: the one decision after the password (challenge,
/// enrol, or sign in), and the one completion every factor's page calls. Speaks to factors only through
/// <see cref="ISecondFactor"/> and <see cref="FactorRegistry"/>.
/// </summary>
public sealed class SecondFactorFlow(
    SessionService sessions,
    SignInDecision decision,
    FactorRegistry registry,
    TrustedBrowsers trustedBrowsers,
    PortalInteraction interaction,
    UserManager<IdpUser> users,
    AuditTrail audit,
    TimeProvider clock,
    Operations.IdpMetrics metrics,
    IOptions<IdpOptions> options,
    ILogger<SecondFactorFlow> logger)
{
    public const string WelcomePath = "/enrol/welcome";
    public const string ChoosePath = "/enrol";
    public const string ProfilePath = "/profile";
    /// <summary>The only place a flow without a portal request may return to besides "/".</summary>
    public const string ThenProfile = "profile";

    private MfaOptions Mfa => options.Value.Mfa;

    /// <summary>
    /// After the right password, the one <see cref="SignInDecision"/> for the portal's request (or Idp's own rules
    /// without one): a factor's challenge, the enrolment (welcome once, then the choice of factor), a password-only
    /// session, or the portal's error at once when the request cannot be met.
    /// </summary>
    public async Task<string> AfterPasswordAsync(HttpContext http, IdpUser user, bool remember, AuthorizationContext? portal, CancellationToken cancellationToken = default)
    {
        if (portal is not null && interaction.Engine is { } engine)
            await engine.BindSubjectAsync(portal.RequestId, user.Id, cancellationToken);
        var requirements = portal?.Requirements ?? SignInRequirements.WithoutClient(Mfa);
        var outcome = await decision.DecideAsync(
            new SignInQuestion(http, requirements, user, SignInAuthentication.PasswordNow(user, clock.GetUtcNow()), PasswordJustProven: true), cancellationToken);

        switch (outcome)
        {
            case SignInOutcome.AskFactor factor:
                await PendingSignIn.StartAsync(http, new PendingState(user.Id, user.SecurityStamp ?? "", remember, portal?.RequestId, PendingPurpose.Challenge));
                FactorsLog.Decided(logger, user.Id, "challenge");
                return await ChallengeUrlAsync(user.Id, portal?.RequestId, null, factor.Level, cancellationToken);
            case SignInOutcome.Enrol:
                await PendingSignIn.StartAsync(http, new PendingState(user.Id, user.SecurityStamp ?? "", remember, portal?.RequestId, PendingPurpose.Enrol));
                FactorsLog.Decided(logger, user.Id, "enrol");
                return Link(user.WelcomeShown ? ChoosePath : WelcomePath, portal?.RequestId, null);
            case SignInOutcome.Refuse refuse:
                FactorsLog.Decided(logger, user.Id, "refused: " + refuse.Error);
                return await RefuseAsync(portal, refuse, cancellationToken);
            default:
                FactorsLog.Decided(logger, user.Id, outcome.Grace ? "password only: grace sign-in" : "password only");
                await sessions.SignInAsync(http, user, [AuthenticationMethods.Password], AuthenticationLevel.Password, remember, outcome.Grace);
                return interaction.ContinueUrl(portal);
        }
    }

    /// <summary>
    /// The state of a second-factor page: the pending sign-in when there is one, otherwise the session (when
    /// <paramref name="allowSession"/>). Null when neither is usable: the page sends the browser to sign in.
    /// </summary>
    public async Task<SecondFactorState?> LoadAsync(HttpContext http, string? requestId, string? then, bool allowSession = true)
    {
        var pending = await PendingSignIn.ReadAsync(http);
        if (pending is not null)
        {
            var pendingUser = await users.FindByIdAsync(pending.SubjectId);
            if (pendingUser is null || pendingUser.SecurityStamp != pending.SecurityStamp || await users.IsLockedOutAsync(pendingUser))
            {
                await PendingSignIn.EndAsync(http);
                FactorsLog.PendingMissing(logger);
                return null;
            }
            return new SecondFactorState(pendingUser, pending.RequestId, null, pending.Remember, pending.Purpose, null);
        }
        if (!allowSession)
            return null;
        var session = await sessions.GetCurrentAsync(http);
        var user = session is null ? null : await users.FindByIdAsync(session.SubjectId);
        if (user is null)
        {
            FactorsLog.PendingMissing(logger);
            return null;
        }
        return new SecondFactorState(user, string.IsNullOrEmpty(requestId) || requestId.Length > 200 ? null : requestId, then == ThenProfile ? then : null, false, null, session);
    }

    /// <summary>
    /// A factor was verified (or enrolled with a verified code): the pending sign-in becomes a session with the
    /// factor's <c>amr</c> and level, or the session steps up. Returns where the browser goes next.
    /// <paramref name="amr"/> replaces the factor's <see cref="ISecondFactor.Amr"/> when the verified authenticator
    /// reports its own (a synced passkey gives <c>swk</c>, a device-bound one <c>hwk</c>); <paramref name="level"/>
    /// lowers the factor's <see cref="ISecondFactor.Level"/> for this authenticator (a passkey outside the passkey policy).
    /// </summary>
    public async Task<string> CompleteAsync(HttpContext http, SecondFactorState state, ISecondFactor factor, bool trustBrowser, CancellationToken cancellationToken = default, IReadOnlyList<string>? amr = null, AuthenticationLevel? level = null)
    {
        IReadOnlyCollection<string> methods = [.. amr ?? factor.Amr, AuthenticationMethods.MultiFactor];
        var reached = level is { } own && own < factor.Level ? own : factor.Level;
        metrics.SecondFactor(factor.Kind, Operations.FactorOutcomes.Succeeded);
        if (state.IsPending)
        {
            await PendingSignIn.EndAsync(http);
            if (state.User.MustEnrol)
            {
                state.User.MustEnrol = false;
                await users.UpdateAsync(state.User);
            }
            await sessions.SignInAsync(http, state.User, [AuthenticationMethods.Password, .. methods], reached, state.Remember);
            if (trustBrowser)
            {
                var days = await TrustDaysOfAsync(state.RequestId, cancellationToken);
                if (days > 0)
                    await trustedBrowsers.TrustAsync(http, state.User.Id, days, cancellationToken);
            }
            FactorsLog.Completed(logger, state.User.Id, factor.Kind, "sign-in");
        }
        else if (state.Session is not null)
        {
            await sessions.StepUpAsync(state.Session, methods, reached);
            await audit.RecordAsync(AuditEventTypes.StepUp, http, state.User.Id, details: factor.Kind.ToString(), cancellationToken: cancellationToken);
            FactorsLog.Completed(logger, state.User.Id, factor.Kind, "step-up");
        }
        return await ContinueUrlAsync(http, state, cancellationToken);
    }

    /// <summary>
    /// After a factor: the one <see cref="SignInDecision"/> again for the portal's request (a stricter requirement may
    /// still be open), then back to the engine; without a request, to the profile or home.
    /// </summary>
    public async Task<string> ContinueUrlAsync(HttpContext http, SecondFactorState state, CancellationToken cancellationToken = default)
    {
        var portal = await interaction.GetContextAsync(state.RequestId, cancellationToken);
        if (portal is null)
            return state.Then == ThenProfile ? ProfilePath : "/";
        var session = await sessions.GetCurrentAsync(http);
        var outcome = await decision.DecideAsync(new SignInQuestion(http, portal.Requirements ?? SignInRequirements.WithoutClient(Mfa), state.User,
            session is null ? null : SignInAuthentication.Of(session), portal.Parked), cancellationToken);
        return outcome switch
        {
            SignInOutcome.AskFactor factor => await ChallengeUrlAsync(state.User.Id, portal.RequestId, null, factor.Level, cancellationToken),
            SignInOutcome.Enrol => Link(state.User.WelcomeShown ? ChoosePath : WelcomePath, portal.RequestId, null),
            SignInOutcome.Refuse refuse => await RefuseAsync(portal, refuse, cancellationToken),
            _ => interaction.ContinueUrl(portal),
        };
    }

    private async Task<string> RefuseAsync(AuthorizationContext? portal, SignInOutcome.Refuse refuse, CancellationToken cancellationToken)
    {
        if (portal is null || interaction.Engine is not { } engine)
            return "/";
        await engine.RefuseAsync(portal.RequestId, refuse.Error, cancellationToken);
        return interaction.ContinueUrl(portal);
    }

    /// <summary>
    /// The challenge page of the factor used last among those that reach <paramref name="level"/> (a step-up to the
    /// phishing-resistant level goes to a passkey even when the PIN was used last). When none of the user's factors
    /// reaches it, the factor used last (or any, when all are locked): the engine then answers what was not met.
    /// The link carries the level, so the challenge page offers only factors that reach it.
    /// </summary>
    public async Task<string> ChallengeUrlAsync(string subjectId, string? requestId, string? then, AuthenticationLevel level = AuthenticationLevel.SecondFactor, CancellationToken cancellationToken = default)
    {
        var factors = await registry.ListPrimaryAsync(subjectId, cancellationToken);
        var reaching = factors.Where(f => registry.LevelOf(f) >= level).ToList();
        if (reaching.Count > 0)
        {
            var best = reaching.FirstOrDefault(f => !f.Locked) ?? reaching[0];
            return Link(registry.Get(best.Kind)!.ChallengePath, requestId, then, level);
        }
        var chosen = factors.FirstOrDefault(f => !f.Locked) ?? factors.FirstOrDefault();
        var factor = chosen is null ? registry.All.First(f => f.IsFallback) : registry.Get(chosen.Kind)!;
        return Link(factor.ChallengePath, requestId, then);
    }

    /// <summary>Whether one of the user's usable factors other than <paramref name="kind"/> reaches <paramref name="level"/>.</summary>
    public async Task<bool> OtherFactorReachesAsync(string subjectId, FactorKind kind, AuthenticationLevel level, CancellationToken cancellationToken = default) =>
        (await registry.ListPrimaryAsync(subjectId, cancellationToken))
            .Any(f => f.Kind != kind && !f.Locked && registry.LevelOf(f) >= level);

    /// <summary>The level a challenge page must reach, from its <c>level</c> parameter (the second-factor level when absent or unknown).</summary>
    public static AuthenticationLevel RequiredLevel(int? level) =>
        level is int value && Enum.IsDefined((AuthenticationLevel)value) && (AuthenticationLevel)value > AuthenticationLevel.SecondFactor
            ? (AuthenticationLevel)value
            : AuthenticationLevel.SecondFactor;

    /// <summary>Whether the session proved a second factor within <see cref="MfaOptions.FreshFactor"/> (removing factors, new recovery codes).</summary>
    public bool IsFresh(UserSession session) =>
        session.Amr.Split(' ').Contains(AuthenticationMethods.MultiFactor) && clock.GetUtcNow() - session.AuthTime <= Mfa.FreshFactor;

    /// <summary>The "trust this browser" days offered after a factor, for the state's portal (0: not offered).</summary>
    public async Task<int> TrustDaysAsync(SecondFactorState state, CancellationToken cancellationToken = default) =>
        state.IsPending ? await TrustDaysOfAsync(state.RequestId, cancellationToken) : 0;

    public static string Link(string path, string? requestId, string? then, AuthenticationLevel level = AuthenticationLevel.SecondFactor)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(requestId))
            query.Add("request_id=" + Uri.EscapeDataString(requestId));
        if (then == ThenProfile)
            query.Add("then=" + ThenProfile);
        if (level > AuthenticationLevel.SecondFactor)
            query.Add("level=" + (int)level);
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    /// <summary>The "trust this browser" days of the request's client (its own setting, else the global one).</summary>
    private async Task<int> TrustDaysOfAsync(string? requestId, CancellationToken cancellationToken) =>
        (await interaction.GetContextAsync(requestId, cancellationToken))?.Requirements?.TrustBrowserDays ?? Mfa.TrustBrowserDays;
}
