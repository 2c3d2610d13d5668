using System.ComponentModel.DataAnnotations;
using Idp.Authentication;
using Microsoft.Extensions.Options;

namespace Idp.Admin;

/// <summary>Settings of the admin area (<c>IdpAdmin:</c>). Idp's own settings (<c>Idp:</c>: database, key-encryption key, issuer) are shared.</summary>
public sealed class AdminOptions
{
    public const string Section = "IdpAdmin";

    /// <summary>Idp's issuer, where staff sign in; default: <c>Idp:Issuer</c>.</summary>
    public string? Authority { get; set; }

    [Required]
    public string ClientId { get; set; } = "idp-admin";

    [Required]
    public string ClientSecret { get; set; } = "";

    public string CallbackPath { get; set; } = "/signin-idp";

    /// <summary>The level a staff session must reach: <c>urn:idp:acr:phr</c> (passkey, default) or <c>urn:idp:acr:mfa</c>.</summary>
    public string RequiredAcr { get; set; } = AuthenticationLevels.PhishingResistantAcr;

    /// <summary>How long a staff session lasts before signing in again.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a portal's previous secret stays valid beside the new one after a rotation (0: it stops at once).</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromDays(7);
}

public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var failures = new List<string>();
        if (options.RequiredAcr is not (AuthenticationLevels.SecondFactorAcr or AuthenticationLevels.PhishingResistantAcr))
            failures.Add($"IdpAdmin:RequiredAcr must be {AuthenticationLevels.PhishingResistantAcr} or {AuthenticationLevels.SecondFactorAcr}, not '{options.RequiredAcr}'.");
        if (string.IsNullOrWhiteSpace(options.ClientSecret))
            failures.Add("IdpAdmin:ClientSecret is required: the secret of the idp-admin client at Idp.");
        if (options.Authority is { Length: > 0 } authority && !Uri.TryCreate(authority, UriKind.Absolute, out _))
            failures.Add($"IdpAdmin:Authority '{authority}' is not an absolute URL.");
        if (!options.CallbackPath.StartsWith('/'))
            failures.Add("IdpAdmin:CallbackPath must start with '/'.");
        if (options.SessionLifetime <= TimeSpan.Zero)
            failures.Add("IdpAdmin:SessionLifetime must be positive.");
        if (options.SecretRotationOverlap < TimeSpan.Zero || options.SecretRotationOverlap > TimeSpan.FromDays(90))
            failures.Add("IdpAdmin:SecretRotationOverlap must be between 0 and 90 days (e.g. 7.00:00:00).");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
