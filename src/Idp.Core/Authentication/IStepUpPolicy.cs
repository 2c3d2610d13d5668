namespace Idp.Authentication;

/// <summary>
/// Where the authorization endpoint sends a signed-in user whom the <see cref="SignInDecision"/> asks for a factor.
/// The second-factor feature replaces the default, which knows only the password.
/// </summary>
public interface IStepUpPolicy
{
    /// <summary>The local URL that asks the user for what is missing to reach <paramref name="level"/>, or null if there is none.</summary>
    string? StepUpUrl(string requestId, AuthenticationLevel level);
}

public sealed class PasswordOnlyStepUpPolicy : IStepUpPolicy
{
    public string? StepUpUrl(string requestId, AuthenticationLevel level) => null;
}
