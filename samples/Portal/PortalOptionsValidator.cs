using Microsoft.Extensions.Options;

namespace Portal;

/// <summary>Checks the configuration at start-up; every message names the setting.</summary>
public sealed class PortalOptionsValidator : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var failures = new List<string>();

        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
            || !string.IsNullOrEmpty(authority.Query) || !string.IsNullOrEmpty(authority.Fragment)
            || !(authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && authority.IsLoopback)))
        {
            failures.Add("Portal:Authority must be an absolute https URL without query or fragment (http is allowed only on loopback).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
            failures.Add("Portal:ClientId is required.");
        if (string.IsNullOrWhiteSpace(options.ClientSecret))
            failures.Add("Portal:ClientSecret is required (the portal is a confidential client).");
        if (!options.CallbackPath.StartsWith('/'))
            failures.Add("Portal:CallbackPath must start with '/'.");
        if (!options.Scopes.Contains("openid"))
            failures.Add("Portal:Scopes must contain 'openid'.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
