using Idp.Configuration;
using Idp.Data.Entities;
using Idp.Factors;

namespace Idp.Authentication;

/// <summary>The level a portal asks for, and whether it must be met (essential <c>acr</c>) or only should be.</summary>
public sealed record RequestedLevel(AuthenticationLevel Level, bool Essential)
{
    /// <summary>
    /// The one reading of a request's <c>acr</c> parameters. An essential <c>acr</c> claim request (OpenID Connect
    /// Core §5.5.1.1) must be met by one of its values; <c>acr_values</c> (§3.1.2.1) are voluntary. Either way any
    /// listed value satisfies the request, so the lowest known one is the level asked for. Unknown values are ignored;
    /// null when nothing known is asked.
    /// </summary>
    public static RequestedLevel? From(IEnumerable<string> acrValues, IEnumerable<string> essentialAcrValues)
    {
        var essential = essentialAcrValues.Select(AuthenticationLevels.FromAcr).OfType<AuthenticationLevel>().ToList();
        if (essential.Count > 0)
            return new RequestedLevel(essential.Min(), true);
        var voluntary = acrValues.Select(AuthenticationLevels.FromAcr).OfType<AuthenticationLevel>().ToList();
        return voluntary.Count > 0 ? new RequestedLevel(voluntary.Min(), false) : null;
    }
}

/// <summary>
/// Everything a sign-in must satisfy for one authorization request: the requesting client's own rules (its MFA
/// policy, how long it lets a browser skip the factor, third-party consent) and what the request asks
/// (<c>acr</c>, <c>max_age</c>, <c>prompt</c>, <c>id_token_hint</c>). Built in one place for the engine and the UI.
/// </summary>
public sealed record SignInRequirements
{
    public string? ClientId { get; init; }

    /// <summary>The stricter of <c>Idp:Mfa:Policy</c> and the client's own: a client can only tighten.</summary>
    public MfaPolicy Policy { get; init; }

    /// <summary>Days this client lets a trusted browser skip the factor its policy requires (0: never).</summary>
    public int TrustBrowserDays { get; init; }

    public bool ThirdParty { get; init; }
    public IReadOnlyList<string> Scopes { get; init; } = [];
    public RequestedLevel? Requested { get; init; }
    public int? MaxAge { get; init; }
    public bool PromptLogin { get; init; }
    public bool PromptNone { get; init; }
    public bool PromptConsent { get; init; }

    /// <summary>The subject of a valid <c>id_token_hint</c>: a session of another user does not count.</summary>
    public string? HintedSubject { get; init; }

    /// <summary>A sign-in to Idp itself (the profile), without a portal: the global rules.</summary>
    public static SignInRequirements WithoutClient(MfaOptions mfa) => new() { Policy = mfa.Policy, TrustBrowserDays = mfa.TrustBrowserDays };

    public static SignInRequirements For(
        Client client,
        MfaOptions mfa,
        IReadOnlyList<string> scopes,
        IEnumerable<string> acrValues,
        IEnumerable<string> essentialAcrValues,
        int? maxAge,
        IEnumerable<string> prompt,
        string? hintedSubject = null)
    {
        var prompts = prompt as IReadOnlyCollection<string> ?? prompt.ToList();
        return new SignInRequirements
        {
            ClientId = client.ClientId,
            Policy = client.MfaPolicy is { } own && own > mfa.Policy ? own : mfa.Policy,
            TrustBrowserDays = client.TrustBrowserDays ?? mfa.TrustBrowserDays,
            ThirdParty = client.IsThirdParty,
            Scopes = scopes,
            Requested = RequestedLevel.From(acrValues, essentialAcrValues),
            MaxAge = maxAge,
            PromptLogin = prompts.Contains(Protocol.PromptValues.Login),
            PromptNone = prompts.Contains(Protocol.PromptValues.None),
            PromptConsent = prompts.Contains(Protocol.PromptValues.Consent),
            HintedSubject = hintedSubject,
        };
    }
}
