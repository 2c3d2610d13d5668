using Microsoft.Extensions.Options;

namespace Api.Authentication;

/// <summary>
/// Runs after authentication and authorization: refuses a valid token whose <c>acr</c> is too low or whose
/// <c>auth_time</c> is too old for the endpoint, so the client can step up (RFC 9470).
/// </summary>
public sealed class StepUpFilter(IOptions<ApiOptions> options, TimeProvider clock, ILogger<StepUpFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var requirement = new StepUpRequirement(options.Value.RequiredAcr, options.Value.MaxAuthenticationAge);
        var user = context.HttpContext.User;
        var now = clock.GetUtcNow();
        if (requirement.Check(user, now) is { } shortfall)
        {
            Log.StepUpDemanded(logger, user.FindFirst("sub")?.Value, user.FindFirst("acr")?.Value, StepUpRequirement.AuthenticationAge(user, now));
            return new InsufficientUserAuthenticationResult(shortfall);
        }

        return await next(context);
    }
}

public static class StepUpFilterExtensions
{
    /// <summary>The endpoints demand a valid access token with the configured <c>acr</c> and a recent <c>auth_time</c>.</summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().AddEndpointFilter<TBuilder, StepUpFilter>();
}
