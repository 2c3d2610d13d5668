using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Protocol.Keys;

/// <summary>
/// Checks at start-up that a new key cannot sign before relying parties can know it: it is published on every node
/// within <see cref="SigningKeyOptions.RefreshInterval"/>, a relying party may keep an older JWKS for
/// <see cref="SigningKeyOptions.JwksMaxAge"/>, and the key signs <see cref="SigningKeyOptions.PropagationTime"/> after it was made.
/// </summary>
public sealed class SigningKeyOptionsValidator : IValidateOptions<IdpOptions>
{
    internal static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaximumRefreshInterval = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, IdpOptions options)
    {
        var keys = options.SigningKeys;
        var failures = new List<string>();
        if (keys.RefreshInterval < MinimumRefreshInterval || keys.RefreshInterval > MaximumRefreshInterval)
            failures.Add($"Idp:SigningKeys:RefreshInterval must be between {MinimumRefreshInterval:c} and {MaximumRefreshInterval:c} (it is {keys.RefreshInterval:c}).");
        if (keys.JwksMaxAge < TimeSpan.Zero)
            failures.Add("Idp:SigningKeys:JwksMaxAge must not be negative.");
        else if (keys.PropagationTime <= keys.RefreshInterval + keys.JwksMaxAge)
            failures.Add($"Idp:SigningKeys:PropagationTime ({keys.PropagationTime:c}) must exceed Idp:SigningKeys:RefreshInterval + "
                + $"Idp:SigningKeys:JwksMaxAge ({keys.RefreshInterval + keys.JwksMaxAge:c}): otherwise a new key signs before relying parties can have it.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
