using Idp.Data.Entities;

namespace Idp.Authentication;

/// <summary>
/// What the user can do to reach a higher level, for the one step-up decision of the authorization endpoint.
/// The second-factor feature replaces the default, which knows only the password.
/// </summary>
public interface IStepUpPolicy
{
    /// <summary>The highest level the user's enrolled factors can reach.</summary>
    Task<AuthenticationLevel> GetReachableLevelAsync(IdpUser user, CancellationToken cancellationToken = default);

    /// <summary>The local URL that asks the user for what is missing to reach <paramref name="level"/>, or null if there is none.</summary>
    string? StepUpUrl(string requestId, AuthenticationLevel level);
}

public sealed class PasswordOnlyStepUpPolicy : IStepUpPolicy
{
    public Task<AuthenticationLevel> GetReachableLevelAsync(IdpUser user, CancellationToken cancellationToken = default) =>
        Task.FromResult(AuthenticationLevel.Password);

    public string? StepUpUrl(string requestId, AuthenticationLevel level) => null;
}
