using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace Portal.Authentication;

/// <summary>
/// What a sensitive page (or the API behind it) demands of the user's authentication: <c>acr_values</c> and/or <c>max_age</c>
/// (OpenID Connect Core §3.1.2.1; RFC 9470 §3). Sent with the authorization request, and kept with the session afterwards,
/// so the portal knows it has already asked for this once.
/// </summary>
public sealed record StepUpRequest(string? AcrValues, int? MaxAgeSeconds)
{
    /// <summary>AuthenticationProperties items: they travel in the protected <c>state</c> and end up in the session cookie.</summary>
    public const string AcrValuesItem = ".acr_values";
    public const string MaxAgeItem = ".max_age";

    public bool IsEmpty => AcrValues is null && MaxAgeSeconds is null;

    /// <summary>This request, with what it leaves out taken from <paramref name="fallback"/>.</summary>
    public StepUpRequest Or(StepUpRequest fallback) => new(AcrValues ?? fallback.AcrValues, MaxAgeSeconds ?? fallback.MaxAgeSeconds);

    public bool IsSatisfiedBy(SessionAuthentication session, DateTimeOffset now) =>
        AcrLevels.Satisfies(session.Acr, AcrValues) && IsFreshEnough(session, now);

    public bool IsFreshEnough(SessionAuthentication session, DateTimeOffset now) =>
        MaxAgeSeconds is not { } maxAge || (session.AuthTime is { } authTime && (now - authTime).TotalSeconds <= maxAge);

    /// <summary>True when satisfying this request also satisfies <paramref name="other"/>.</summary>
    public bool Covers(StepUpRequest other) =>
        (other.AcrValues is null || (AcrValues is not null && AcrValues.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(acr => AcrLevels.Satisfies(acr, other.AcrValues))))
        && (other.MaxAgeSeconds is null || (MaxAgeSeconds is { } mine && mine <= other.MaxAgeSeconds));

    public AuthenticationProperties ToProperties(string redirectUri)
    {
        var properties = new AuthenticationProperties { RedirectUri = redirectUri };
        if (AcrValues is not null)
            properties.Items[AcrValuesItem] = AcrValues;
        if (MaxAgeSeconds is { } maxAge)
            properties.Items[MaxAgeItem] = maxAge.ToString(CultureInfo.InvariantCulture);
        return properties;
    }

    /// <returns>The step-up these properties asked for; null when they came from a plain sign-in.</returns>
    public static StepUpRequest? FromProperties(AuthenticationProperties? properties)
    {
        if (properties is null)
            return null;

        properties.Items.TryGetValue(AcrValuesItem, out var acrValues);
        properties.Items.TryGetValue(MaxAgeItem, out var maxAgeText);
        int? maxAge = int.TryParse(maxAgeText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;
        var request = new StepUpRequest(string.IsNullOrWhiteSpace(acrValues) ? null : acrValues, maxAge);
        return request.IsEmpty ? null : request;
    }
}
