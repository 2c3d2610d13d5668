using Microsoft.AspNetCore.Diagnostics;

namespace Api.Authentication;

/// <summary>Answers 503 with problem details when Idp cannot be reached; the reason goes to the log only.</summary>
public sealed class IdpUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<IdpUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not IdpUnavailableException)
            return false;

        Log.IdpUnavailable(logger, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Idp is not reachable",
                Detail = "The API cannot check access tokens right now. Please try again later.",
            },
        });
    }
}
