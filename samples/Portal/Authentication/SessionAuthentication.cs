using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Portal.Authentication;

/// <summary>How the portal's user authenticated, from the ID token's claims, and what the sign-in that made the session asked for.</summary>
/// <param name="SignedInAt">When the portal session was made (the cookie ticket's issue time).</param>
/// <param name="StepUp">The step-up the authorization request asked for; null for a plain sign-in.</param>
public sealed record SessionAuthentication(
    string? Acr,
    IReadOnlyList<string> Amr,
    DateTimeOffset? AuthTime,
    DateTimeOffset? SignedInAt,
    StepUpRequest? StepUp)
{
    public static SessionAuthentication From(ClaimsPrincipal user, AuthenticationProperties? properties) => new(
        user.FindFirst("acr")?.Value,
        [.. user.FindAll("amr").Select(claim => claim.Value)],
        long.TryParse(user.FindFirst("auth_time")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null,
        properties?.IssuedUtc,
        StepUpRequest.FromProperties(properties));
}
