using Idp.Authentication;

namespace Idp.Pages.Infrastructure;

/// <summary>
/// The pages' access to the protocol engine's <see cref="IAuthorizationInteraction"/>. The engine may not be
/// registered (direct visits, or before it lands): then every request id is unknown and pages go home.
/// </summary>
public sealed class PortalInteraction(IServiceProvider services)
{
    public IAuthorizationInteraction? Engine { get; } = services.GetService<IAuthorizationInteraction>();

    public async Task<AuthorizationContext?> GetContextAsync(string? requestId, CancellationToken cancellationToken = default)
    {
        if (Engine is null || string.IsNullOrWhiteSpace(requestId) || requestId.Length > 200)
            return null;
        return await Engine.GetContextAsync(requestId, cancellationToken);
    }

    /// <summary>Where to go after a completed step: back to the engine for a live request, else home. Never a user-supplied URL.</summary>
    public string ContinueUrl(AuthorizationContext? context) =>
        context is not null && Engine is not null ? Engine.ResumeUrl(context.RequestId) : "/";
}
