using Idp.Authentication;
using Idp.Data.Entities;

namespace Idp.Factors;

/// <summary>The authorization endpoint's step-up hook, answered from the user's factors.</summary>
public sealed class FactorStepUpPolicy(FactorRegistry registry) : IStepUpPolicy
{
    public const string StepUpPath = "/signin/step-up";

    public Task<AuthenticationLevel> GetReachableLevelAsync(IdpUser user, CancellationToken cancellationToken = default) =>
        registry.ReachableLevelAsync(user.Id, cancellationToken);

    public string? StepUpUrl(string requestId, AuthenticationLevel level) =>
        $"{StepUpPath}?request_id={Uri.EscapeDataString(requestId)}&level={(int)level}";
}
