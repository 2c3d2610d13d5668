using System.Globalization;
using System.Security.Claims;

namespace Api.Profile;

/// <summary>What the access token says about the user and the client.</summary>
public sealed record ProfileResponse(string Subject, string? ClientId, string? Scope, string? Acr, IReadOnlyList<string> Amr, DateTimeOffset? AuthTime);

public static class ProfileEndpoints
{
    /// <summary><c>GET /api/profile</c>: any valid access token.</summary>
    public static IEndpointRouteBuilder MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/profile", (ClaimsPrincipal user) => TypedResults.Ok(Read(user)))
            .RequireAuthorization()
            .WithName("GetProfile");
        return app;
    }

    public static ProfileResponse Read(ClaimsPrincipal user) => new(
        user.FindFirst("sub")?.Value ?? "",
        user.FindFirst("client_id")?.Value,
        user.FindFirst("scope")?.Value,
        user.FindFirst("acr")?.Value,
        [.. user.FindAll("amr").Select(claim => claim.Value)],
        long.TryParse(user.FindFirst("auth_time")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var authTime)
            ? DateTimeOffset.FromUnixTimeSeconds(authTime)
            : null);
}
