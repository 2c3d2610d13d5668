using Microsoft.Net.Http.Headers;

namespace Api.Authentication;

/// <summary>RFC 9470 §3: 401 with <c>WWW-Authenticate: Bearer error="insufficient_user_authentication", …</c>, and problem details.</summary>
public sealed class InsufficientUserAuthenticationResult(StepUpShortfall shortfall) : IResult
{
    public StepUpShortfall Shortfall => shortfall;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[HeaderNames.WWWAuthenticate] = BearerChallenge.ForInsufficientUserAuthentication(
            shortfall.Description, shortfall.AcrValues, shortfall.MaxAgeSeconds);
        return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Insufficient user authentication",
                detail: shortfall.Description + ".")
            .ExecuteAsync(httpContext);
    }
}
