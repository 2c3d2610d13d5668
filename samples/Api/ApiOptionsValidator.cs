using Microsoft.Extensions.Options;

namespace Api;

/// <summary>Checks the configuration at start-up; every message names the setting.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();

        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
            || !string.IsNullOrEmpty(authority.Query) || !string.IsNullOrEmpty(authority.Fragment)
            || !(authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && authority.IsLoopback)))
        {
            failures.Add("Api:Authority must be an absolute https URL without query or fragment (http is allowed only on loopback).");
        }

        if (options.Audience is not null && string.IsNullOrWhiteSpace(options.Audience))
            failures.Add("Api:Audience must not be blank (leave it out for the default {Authority}/resources).");
        if (AcrLevels.Rank(options.RequiredAcr) is null)
            failures.Add($"Api:RequiredAcr must be one of {string.Join(", ", AcrLevels.Ordered)}.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
