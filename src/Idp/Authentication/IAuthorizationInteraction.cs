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

    /// <summary>The level the portal asks for: the lowest essential one, else the highest voluntary one; the password level when none.</summary>
    public AuthenticationLevel RequestedLevel
    {
        get
        {
            var essential = EssentialAcrValues.Select(AuthenticationLevels.FromAcr).OfType<AuthenticationLevel>().ToList();
            if (essential.Count > 0)
                return essential.Min();
            var voluntary = AcrValues.Select(AuthenticationLevels.FromAcr).OfType<AuthenticationLevel>().ToList();
            return voluntary.Count > 0 ? voluntary.Max() : AuthenticationLevel.Password;
        }
    }
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

    /// <summary>Records consent for the request (and for later requests when <paramref name="remember"/>).</summary>
    Task GrantConsentAsync(string requestId, string subjectId, IReadOnlyCollection<string> scopes, bool remember, CancellationToken cancellationToken = default);

    /// <summary>The user declined: resuming the request then answers the client <c>access_denied</c>.</summary>
    Task DenyAsync(string requestId, CancellationToken cancellationToken = default);
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
