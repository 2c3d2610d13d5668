namespace Idp.Authentication;

/// <summary>What the sign-in UI needs to know of the authorization request it serves.</summary>
public sealed record AuthorizationContext(
    string RequestId,
    string ClientId,
    string ClientName,
    bool ClientIsThirdParty,
    IReadOnlyList<string> Scopes,
    string? LoginHint,
    IReadOnlyList<string> UiLocales,
    IReadOnlyList<string> AcrValues,
    bool PromptLogin,
    bool PromptConsent)
{
    /// <summary>The <c>acr</c> values of an essential <c>acr</c> claim request (OpenID Connect Core §5.5.1.1): one of them must be met.</summary>
    public IReadOnlyList<string> EssentialAcrValues { get; init; } = [];

    /// <summary>The requesting client's rules and what the request asks, for the one <see cref="SignInDecision"/>; null: the global rules.</summary>
    public SignInRequirements? Requirements { get; init; }

    /// <summary>What the parked request recorded (when it was parked, for whom, consent given on it).</summary>
    public ParkedInteraction? Parked { get; init; }
}

/// <summary>
/// The one way the UI talks to the protocol engine. The authorization endpoint parks a request and sends the
/// browser to the UI with <c>request_id</c>; the UI signs the user in (or asks consent) and sends the browser
/// back to <see cref="ResumeUrl"/>, where the engine decides again.
/// </summary>
public interface IAuthorizationInteraction
{
    /// <summary>The parked request, or null when the id is unknown, expired or already used.</summary>
    Task<AuthorizationContext?> GetContextAsync(string? requestId, CancellationToken cancellationToken = default);

    /// <summary>A local URL that resumes the authorization request.</summary>
    string ResumeUrl(string requestId);

    /// <summary>
    /// Binds the request to the user who just proved their password for it; a change of user voids what was recorded
    /// for the previous one.
    /// </summary>
    Task BindSubjectAsync(string requestId, string subjectId, CancellationToken cancellationToken = default);

    /// <summary>Records consent for the request (and for later requests when <paramref name="remember"/>).</summary>
    Task GrantConsentAsync(string requestId, string subjectId, IReadOnlyCollection<string> scopes, bool remember, CancellationToken cancellationToken = default);

    /// <summary>The user declined: resuming the request then answers the client <c>access_denied</c>.</summary>
    Task DenyAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>The request cannot be satisfied: resuming it answers the client <paramref name="error"/>.</summary>
    Task RefuseAsync(string requestId, string error, CancellationToken cancellationToken = default);
}

/// <summary>What the sign-out page shows: which portal asked and where the browser goes afterwards.</summary>
public sealed record LogoutContext(string? ClientName, string? PostLogoutRedirectUrl);

/// <summary>RP-initiated and Idp-initiated sign-out.</summary>
public interface ILogoutInteraction
{
    /// <summary>The logout request behind a <c>logout_id</c> made by the end-session endpoint, or null.</summary>
    LogoutContext? Read(string? logoutId);

    /// <summary>Ends the browser's SSO session and tells the session's other portals (back-channel logout).</summary>
    Task SignOutAsync(HttpContext http, CancellationToken cancellationToken = default);
}
