using System.Globalization;
using System.Security.Claims;

namespace Api.Authentication;

/// <summary>What the user's authentication lacks for an endpoint, in RFC 9470 terms.</summary>
/// <param name="AcrValues">The level to ask for when the token's <c>acr</c> is too low; otherwise null.</param>
/// <param name="MaxAgeSeconds">The age to ask for when the token's <c>auth_time</c> is too old (or absent); otherwise null.</param>
public sealed record StepUpShortfall(string? AcrValues, int? MaxAgeSeconds)
{
    /// <summary>RFC 9470 §3's wording.</summary>
    public string Description => (AcrValues, MaxAgeSeconds) switch
    {
        (not null, not null) => "A different authentication level and more recent authentication are required",
        (not null, null) => "A different authentication level is required",
        _ => "More recent authentication is required",
    };
}

/// <summary>An endpoint's demand on the user's authentication: at least <paramref name="Acr"/>, no older than <paramref name="MaxAge"/>.</summary>
public sealed record StepUpRequirement(string Acr, TimeSpan MaxAge)
{
    /// <returns>Null when the token's <c>acr</c> and <c>auth_time</c> satisfy the demand.</returns>
    public StepUpShortfall? Check(ClaimsPrincipal user, DateTimeOffset now)
    {
        var levelTooLow = !AcrLevels.Satisfies(user.FindFirst("acr")?.Value, Acr);
        var age = AuthenticationAge(user, now);
        var tooOld = age is not { } seconds || seconds > MaxAge.TotalSeconds;
        return levelTooLow || tooOld
            ? new StepUpShortfall(levelTooLow ? Acr : null, tooOld ? (int)MaxAge.TotalSeconds : null)
            : null;
    }

    /// <summary>Seconds since <c>auth_time</c>; null when the token does not say.</summary>
    public static long? AuthenticationAge(ClaimsPrincipal user, DateTimeOffset now) =>
        long.TryParse(user.FindFirst("auth_time")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var authTime)
            ? now.ToUnixTimeSeconds() - authTime
            : null;
}
