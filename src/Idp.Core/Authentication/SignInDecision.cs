using Idp.Configuration;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Authentication;

/// <summary>Who is authenticated for a request, and how: an SSO session, or a password proven just now.</summary>
public sealed record SignInAuthentication(string SubjectId, AuthenticationLevel Level, DateTimeOffset AuthTime, bool Grace)
{
    public static SignInAuthentication Of(UserSession session) =>
        new(session.SubjectId, AuthenticationLevels.FromAcr(session.Acr) ?? AuthenticationLevel.Password, session.AuthTime, session.Grace);

    public static SignInAuthentication PasswordNow(IdpUser user, DateTimeOffset now) => new(user.Id, AuthenticationLevel.Password, now, false);
}

/// <summary>What a parked authorization request recorded, as far as the browser that parked it may use it.</summary>
public sealed record ParkedInteraction(DateTimeOffset CreatedAt, string? SubjectId, IReadOnlyList<string>? ConsentedScopes);

/// <summary>
/// The question: this request, with this client's rules, for this user, authenticated like this.
/// <see cref="HasPrimaryFactor"/>: whether <see cref="User"/> has a real factor, where the caller read it with the
/// session (<see cref="SessionRead"/>); null: the decision asks the factors itself.
/// </summary>
public sealed record SignInQuestion(
    HttpContext Http,
    SignInRequirements Requirements,
    IdpUser? User,
    SignInAuthentication? Authentication,
    ParkedInteraction? Parked = null,
    bool PasswordJustProven = false,
    bool? HasPrimaryFactor = null);

/// <summary>What happens next. <see cref="Grace"/>: the authentication suffices only as a free sign-in after registration.</summary>
public abstract record SignInOutcome
{
    public bool Grace { get; init; }

    public sealed record IssueCode : SignInOutcome;
    public sealed record AskConsent : SignInOutcome;
    /// <summary>An interactive sign-in (the password) is needed.</summary>
    public sealed record SignIn : SignInOutcome;
    /// <summary>A second factor reaching <see cref="Level"/> is needed; never the password again.</summary>
    public sealed record AskFactor(AuthenticationLevel Level) : SignInOutcome;
    /// <summary>The user must enrol a first second factor.</summary>
    public sealed record Enrol : SignInOutcome;
    /// <summary>The request cannot be satisfied: the client gets this error.</summary>
    public sealed record Refuse(string Error, string Description) : SignInOutcome;
}

/// <summary>
/// The one sign-in decision. For a given authorization request (with its client's rules), browser session and user
/// it decides what happens next: issue the code, sign in, ask a factor, enrol, ask consent, or refuse. The
/// authorization endpoint asks it when an SSO session is reused and when a parked request resumes; the sign-in pages
/// ask it after the password and after each factor. Nothing else decides.
/// <para>
/// The rules are re-evaluated for every request and never carried over from the portal a session was made for: a
/// session satisfied a lax portal's rules does not satisfy a strict one; a browser trusted by one portal skips the
/// factor only for portals that allow trusted browsers; a grace sign-in counts only while the user has no factor.
/// </para>
/// </summary>
public sealed class SignInDecision(
    FactorRegistry factors,
    TrustedBrowsers trustedBrowsers,
    IdpDbContext db,
    TimeProvider clock,
    IOptions<IdpOptions> options)
{
    private MfaOptions Mfa => options.Value.Mfa;

    public async Task<SignInOutcome> DecideAsync(SignInQuestion question, CancellationToken cancellationToken = default)
    {
        var requirements = question.Requirements;
        var authentication = question.Authentication;
        var user = question.User;
        if (authentication is null || user is null || user.Id != authentication.SubjectId)
            return SignInAgain(requirements);

        // OpenID Connect Core §3.1.2.1: prompt=login and max_age are answered by an authentication after the request.
        var fresh = question.PasswordJustProven || (question.Parked is { } parked && authentication.AuthTime >= parked.CreatedAt);
        if (requirements.HintedSubject is { } hinted && hinted != authentication.SubjectId)
        {
            return question.PasswordJustProven
                ? new SignInOutcome.Refuse(Errors.LoginRequired, "The user signed in is not the one of id_token_hint.")
                : SignInAgain(requirements);
        }
        if (requirements.PromptLogin && !fresh)
            return SignInAgain(requirements);
        // A request is bound to the user who authenticated for it; a session of another user must sign in anew.
        if (!question.PasswordJustProven && question.Parked?.SubjectId is { } bound && bound != authentication.SubjectId)
            return SignInAgain(requirements);

        var requested = requirements.Requested;
        var enough = authentication.Level >= AuthenticationLevel.SecondFactor && (requested is null || requested.Level <= authentication.Level);
        var maxAgeExceeded = requirements.MaxAge is { } maxAge && !fresh && clock.GetUtcNow() - authentication.AuthTime > TimeSpan.FromSeconds(maxAge);
        SignInOutcome? outcome = null;
        var grace = false;
        if (!enough || maxAgeExceeded)
        {
            // Most users asked here have no factor (a grace or password-only session): one query tells, instead of one per
            // kind, or none where the session's read told already.
            var enrolled = question.HasPrimaryFactor ?? await factors.HasPrimaryAsync(user.Id, cancellationToken)
                ? await factors.ListPrimaryAsync(user.Id, cancellationToken)
                : [];
            var reachable = factors.ReachableLevel(enrolled);
            if (maxAgeExceeded)
                outcome = Refresh(requirements, authentication, reachable);
            else
                (outcome, grace) = await RequireLevelAsync(question, enrolled.Count > 0, reachable, cancellationToken);
        }
        outcome ??= requirements.ThirdParty && !await HasConsentAsync(requirements, authentication.SubjectId, question.Parked, cancellationToken)
            ? requirements.PromptNone ? Refused(Errors.ConsentRequired, "The user must consent, and prompt=none forbids it.") : new SignInOutcome.AskConsent()
            : new SignInOutcome.IssueCode();
        return outcome with { Grace = grace };
    }

    /// <summary>
    /// <c>max_age</c> exceeded: a user whose factors reach the level proves one afresh (not the password again); a
    /// user without one signs in again.
    /// </summary>
    private static SignInOutcome Refresh(SignInRequirements requirements, SignInAuthentication authentication, AuthenticationLevel reachable)
    {
        var level = new[] { authentication.Level, requirements.Requested?.Level ?? AuthenticationLevel.Password, AuthenticationLevel.SecondFactor }.Max();
        if (reachable < level)
            return SignInAgain(requirements);
        return requirements.PromptNone ? Refused(Errors.LoginRequired, "A fresh authentication is needed, and prompt=none forbids it.") : new SignInOutcome.AskFactor(level);
    }

    /// <summary>
    /// The level this client's rules and this request demand of this user, against the level reached. Null outcome:
    /// the authentication suffices (consent is decided next).
    /// </summary>
    private async Task<(SignInOutcome? Outcome, bool Grace)> RequireLevelAsync(SignInQuestion question, bool hasFactors, AuthenticationLevel reachable, CancellationToken cancellationToken)
    {
        var (requirements, user, authentication) = (question.Requirements, question.User!, question.Authentication!);
        var target = AuthenticationLevel.Password;
        var grace = false;
        if (hasFactors)
        {
            // The client's policy asks a factor at every sign-in; a browser the user trusted skips it only for a client
            // that allows trusted browsers (whichever client the trust was given for).
            if (requirements.Policy == MfaPolicy.Required && authentication.Level < AuthenticationLevel.SecondFactor
                && !(requirements.TrustBrowserDays > 0 && await trustedBrowsers.IsTrustedAsync(question.Http, user.Id, cancellationToken)))
                target = AuthenticationLevel.SecondFactor;
        }
        else if (!authentication.Grace)
        {
            var graceUsed = Mfa.EnrolAtFirstSignIn || user.SignInCount >= Mfa.GraceSignIns;
            if (user.MustEnrol || (requirements.Policy != MfaPolicy.Never && graceUsed))
                return (requirements.PromptNone ? Refused(Errors.InteractionRequired, "The user must enrol a second factor, and prompt=none forbids it.") : new SignInOutcome.Enrol(), false);
            grace = question.PasswordJustProven && requirements.Policy != MfaPolicy.Never;
        }

        // Essential acr must be met; voluntary acr_values are met as far as the user's factors reach.
        if (requirements.Requested is { Level: > AuthenticationLevel.Password } requested)
        {
            if (reachable >= requested.Level)
                target = Max(target, requested.Level);
            else if (requested.Essential)
                return (Refused(Errors.UnmetAuthenticationRequirements, "The user has no means of authentication that reaches the requested level."), false);
            else
                target = Max(target, reachable);
        }

        if (authentication.Level >= target)
            return (null, grace || authentication.Grace);
        return (requirements.PromptNone ? Refused(Errors.InteractionRequired, "A stronger authentication is needed, and prompt=none forbids it.") : new SignInOutcome.AskFactor(target), false);
    }

    private async Task<bool> HasConsentAsync(SignInRequirements requirements, string subjectId, ParkedInteraction? parked, CancellationToken cancellationToken)
    {
        // Consent given on this request counts only for the user who gave it.
        if (parked?.ConsentedScopes is { } consented && parked.SubjectId == subjectId)
            return requirements.Scopes.All(consented.Contains);
        if (requirements.PromptConsent)
            return false;
        var remembered = await db.Consents.AsNoTracking()
            .FirstOrDefaultAsync(c => c.SubjectId == subjectId && c.ClientId == requirements.ClientId, cancellationToken);
        return remembered is not null && requirements.Scopes.All(remembered.Scopes.Contains);
    }

    private static SignInOutcome SignInAgain(SignInRequirements requirements) =>
        requirements.PromptNone ? Refused(Errors.LoginRequired, "The user must sign in, and prompt=none forbids it.") : new SignInOutcome.SignIn();

    private static SignInOutcome.Refuse Refused(string error, string description) => new(error, description);

    private static AuthenticationLevel Max(AuthenticationLevel a, AuthenticationLevel b) => a > b ? a : b;
}
