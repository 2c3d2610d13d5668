using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push.WebPush;

/// <summary>The <c>Idp:Push:Vapid</c> section: the application server's VAPID identity (RFC 8292).</summary>
public sealed class WebPushOptions
{
    public const string Section = "Idp:Push:Vapid";

    /// <summary>The public key, an uncompressed P-256 point in base64url. With <see cref="PrivateKey"/>, or neither.</summary>
    public string? PublicKey { get; set; }

    /// <summary>The private key, the 32-byte P-256 scalar in base64url. Without it a key is made and kept in the database.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>The contact a push service may use (<c>sub</c>): <c>mailto:</c> or an https URL. Default: the issuer.</summary>
    public string? Subject { get; set; }

    /// <summary>Seconds the HTTP call to a push service may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks <see cref="WebPushOptions"/> at start-up; every message names the setting.</summary>
public sealed class WebPushOptionsValidator : IValidateOptions<WebPushOptions>
{
    public ValidateOptionsResult Validate(string? name, WebPushOptions options)
    {
        var failures = new List<string>();
        var hasPublic = !string.IsNullOrWhiteSpace(options.PublicKey);
        var hasPrivate = !string.IsNullOrWhiteSpace(options.PrivateKey);
        if (hasPublic != hasPrivate)
        {
            failures.Add("Idp:Push:Vapid:PublicKey and Idp:Push:Vapid:PrivateKey are set together, or neither (then a key is made and stored in the database).");
        }
        else if (hasPublic)
        {
            try
            {
                using var key = VapidKey.FromBase64Url(options.PublicKey!, options.PrivateKey!);
            }
            catch (Exception exception) when (exception is CryptographicException or FormatException)
            {
                failures.Add($"Idp:Push:Vapid:PublicKey/PrivateKey are not a P-256 key pair ({exception.Message}). Generate one, e.g. `npx web-push generate-vapid-keys`, or leave both empty.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Subject) && !IsValidSubject(options.Subject))
            failures.Add("Idp:Push:Vapid:Subject must be a mailto: address or an https URL.");
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
            failures.Add("Idp:Push:Vapid:Timeout must be between 0 and 1 minute.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsValidSubject(string subject) =>
        subject.StartsWith("mailto:", StringComparison.Ordinal) && subject.Length > "mailto:".Length && subject.Contains('@')
        || Uri.TryCreate(subject, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
}
