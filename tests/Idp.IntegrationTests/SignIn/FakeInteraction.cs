using System.Collections.Concurrent;
using Idp.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Idp.IntegrationTests.SignIn;

/// <summary>
/// Stands in for the protocol engine behind the UI contract, so the pages' side of it can be tested alone:
/// parked requests are whatever a test puts in <see cref="Requests"/>; decisions are recorded.
/// </summary>
internal sealed class FakeInteraction : IAuthorizationInteraction, ILogoutInteraction
{
    public const string ResumePath = "/fake/resume";

    public ConcurrentDictionary<string, AuthorizationContext> Requests { get; } = new();
    public ConcurrentQueue<(string RequestId, string SubjectId, IReadOnlyCollection<string> Scopes, bool Remember)> Grants { get; } = new();
    public ConcurrentQueue<string> Denials { get; } = new();
    public ConcurrentDictionary<string, LogoutContext> Logouts { get; } = new();
    public int SignOuts;

    public void Register(IServiceCollection services)
    {
        services.RemoveAll<IAuthorizationInteraction>();
        services.RemoveAll<ILogoutInteraction>();
        services.AddSingleton<IAuthorizationInteraction>(this);
        services.AddSingleton<ILogoutInteraction>(this);
    }

    public AuthorizationContext Park(string clientName = "Bürgerportal", bool thirdParty = false, string? loginHint = null, params string[] scopes)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var context = new AuthorizationContext(requestId, "portal", clientName, thirdParty,
            scopes.Length == 0 ? ["openid", "profile"] : scopes, loginHint, [], [], false, false);
        Requests[requestId] = context;
        return context;
    }

    public Task<AuthorizationContext?> GetContextAsync(string? requestId, CancellationToken cancellationToken = default) =>
        Task.FromResult(requestId is not null && Requests.TryGetValue(requestId, out var context) ? context : null);

    public string ResumeUrl(string requestId) => $"{ResumePath}?request_id={requestId}";

    public Task GrantConsentAsync(string requestId, string subjectId, IReadOnlyCollection<string> scopes, bool remember, CancellationToken cancellationToken = default)
    {
        Grants.Enqueue((requestId, subjectId, scopes, remember));
        return Task.CompletedTask;
    }

    public Task DenyAsync(string requestId, CancellationToken cancellationToken = default)
    {
        Denials.Enqueue(requestId);
        return Task.CompletedTask;
    }

    public Task BindSubjectAsync(string requestId, string subjectId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RefuseAsync(string requestId, string error, CancellationToken cancellationToken = default)
    {
        Denials.Enqueue(requestId);
        return Task.CompletedTask;
    }

    public LogoutContext? Read(string? logoutId) => logoutId is not null && Logouts.TryGetValue(logoutId, out var context) ? context : null;

    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref SignOuts);
        await http.RequestServices.GetRequiredService<SessionService>().SignOutAsync(http);
    }
}
