using Idp.Authentication;

namespace Idp.Factors;

/// <summary>The authorization endpoint's step-up hook, answered from the user's factors.</summary>
public sealed class FactorStepUpPolicy : IStepUpPolicy
{
    public const string StepUpPath = "/signin/step-up";

    public string? StepUpUrl(string requestId, AuthenticationLevel level) =>
        $"{StepUpPath}?request_id={Uri.EscapeDataString(requestId)}&level={(int)level}";
}
