using Microsoft.Extensions.Options;

namespace Idp.Configuration;

/// <summary>Checks the configuration at start-up; every message names the setting.</summary>
public sealed class IdpOptionsValidator(IHostEnvironment environment) : IValidateOptions<IdpOptions>
{
    private static readonly HashSet<string> KnownGrantTypes = ["authorization_code", "refresh_token", "client_credentials"];
    private static readonly HashSet<string> KnownAlgorithms = ["RS256", "ES256"];

    /// <summary>WebAuthn §5.1.4.1: the relying-party id is the origin's host or a parent domain of it.</summary>
    private static void ValidatePasskeys(PasskeysOptions passkeys, Uri? issuer, List<string> failures)
    {
        var rpId = passkeys.RelyingPartyId;
        if (!string.IsNullOrEmpty(rpId) && issuer is not null
            && !(issuer.Host.Equals(rpId, StringComparison.OrdinalIgnoreCase) || issuer.Host.EndsWith("." + rpId, StringComparison.OrdinalIgnoreCase)))
        {
            failures.Add("Idp:Passkeys:RelyingPartyId must be the issuer's host or a parent domain of it.");
        }
        foreach (var origin in passkeys.Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.PathAndQuery != "/" || origin.EndsWith('/')
                || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            {
                failures.Add($"Idp:Passkeys:Origins: '{origin}' must be an origin (https://host[:port], no path; http only on loopback).");
            }
        }
        foreach (var aaguid in passkeys.Policy.AllowedAaguids.Where(a => !Guid.TryParse(a, out _)))
            failures.Add($"Idp:Passkeys:Policy:AllowedAaguids: '{aaguid}' is not an AAGUID (a GUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8).");
        var metadata = passkeys.Metadata;
        if (passkeys.Policy.AllowedAaguids.Count > 0 && string.IsNullOrEmpty(metadata.Path) && string.IsNullOrEmpty(metadata.Url))
            failures.Add("Idp:Passkeys:Policy:AllowedAaguids needs Idp:Passkeys:Metadata:Path or Url: a model is proven by its attestation root in the FIDO metadata.");
        if (!string.IsNullOrEmpty(metadata.Url) && !(Uri.TryCreate(metadata.Url, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps))
            failures.Add("Idp:Passkeys:Metadata:Url must be an absolute https URL.");
        if (metadata.RefreshInterval < TimeSpan.FromMinutes(1))
            failures.Add("Idp:Passkeys:Metadata:RefreshInterval must be at least a minute.");
        if (!string.IsNullOrEmpty(metadata.RootCertificatePath) && !File.Exists(metadata.RootCertificatePath))
            failures.Add("Idp:Passkeys:Metadata:RootCertificatePath names no file.");
    }

    public ValidateOptionsResult Validate(string? name, IdpOptions options)
    {
        var failures = new List<string>();

        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer)
            || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment)
            || !(issuer.Scheme == Uri.UriSchemeHttps || (issuer.Scheme == Uri.UriSchemeHttp && issuer.IsLoopback)))
        {
            failures.Add("Idp:Issuer must be an absolute https URL without query or fragment (http is allowed only on loopback).");
        }
        else if (options.Issuer.EndsWith('/'))
        {
            failures.Add("Idp:Issuer must not end with '/'.");
        }

        ValidatePasskeys(options.Passkeys, issuer, failures);

        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
            failures.Add("Idp:Database:ConnectionString is required.");

        if (string.IsNullOrWhiteSpace(options.KeyEncryptionKey) && !environment.IsDevelopment())
            failures.Add("Idp:KeyEncryptionKey is required outside Development (base64 of 32 random bytes, the same on every node).");
        foreach (var key in (options.KeyEncryptionKey ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsBase64Of32Bytes(key))
                failures.Add("Idp:KeyEncryptionKey must be base64 of exactly 32 bytes (several separated by commas).");
        }

        if (options.SigningKeys.PropagationTime >= options.SigningKeys.RotationInterval)
            failures.Add("Idp:SigningKeys:PropagationTime must be shorter than Idp:SigningKeys:RotationInterval.");

        foreach (var proxy in options.TrustedProxies.Where(p => !System.Net.IPNetwork.TryParse(p, out _) && !System.Net.IPAddress.TryParse(p, out _)))
            failures.Add($"Idp:TrustedProxies: '{proxy}' is neither an IP address nor a CIDR network.");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var at = $"Idp:Clients:{i}";
            if (string.IsNullOrWhiteSpace(client.ClientId))
                failures.Add($"{at}:ClientId is required.");
            else if (!seen.Add(client.ClientId))
                failures.Add($"{at}:ClientId '{client.ClientId}' is declared twice.");
            if (client.Secret is not null && client.SecretHash is not null)
                failures.Add($"{at}: give Secret or SecretHash, not both.");
            if (client.Secret is { Length: < 8 })
                failures.Add($"{at}:Secret is too short (at least 8 characters; generate 32 random bytes).");
            ValidatePreviousSecret(client, at, failures);
            foreach (var grant in client.EffectiveGrantTypes.Where(g => !KnownGrantTypes.Contains(g)))
                failures.Add($"{at}:AllowedGrantTypes has unknown grant '{grant}'.");
            if (!KnownAlgorithms.Contains(client.SigningAlgorithm))
                failures.Add($"{at}:SigningAlgorithm must be RS256 or ES256.");
            ClientAuthMethodValidation.Validate(client, at, environment.IsDevelopment(), failures);
            ClientProfileValidation.Validate(client, at, environment.IsDevelopment(), failures);
            var isPublic = client.EffectiveAuthMethod == Data.Entities.ClientAuthMethods.None;
            if (isPublic && client.EffectiveGrantTypes.Contains("client_credentials"))
                failures.Add($"{at}: a public client (no secret) cannot use client_credentials.");
            if (isPublic && !client.RequirePkce)
                failures.Add($"{at}: a public client (no secret) must require PKCE.");
            foreach (var uri in client.RedirectUris.Concat(client.PostLogoutRedirectUris))
            {
                if (!IsValidRedirectUri(uri))
                    failures.Add($"{at}: '{uri}' is not a valid redirect URI (absolute, no fragment, https or http on loopback, or a private-use scheme).");
            }
            if (client.BackChannelLogoutUri is not null && !IsValidRedirectUri(client.BackChannelLogoutUri))
                failures.Add($"{at}:BackChannelLogoutUri is not a valid absolute URI.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A rotation declared in configuration: the old secret, kept for a stated time, beside a new one.</summary>
    private static void ValidatePreviousSecret(ClientOptions client, string at, List<string> failures)
    {
        var hasPrevious = client.PreviousSecret is not null || client.PreviousSecretHash is not null;
        if (client.PreviousSecret is not null && client.PreviousSecretHash is not null)
            failures.Add($"{at}: give PreviousSecret or PreviousSecretHash, not both.");
        if (client.PreviousSecret is { Length: < 8 })
            failures.Add($"{at}:PreviousSecret is too short (at least 8 characters).");
        if (hasPrevious && client.Secret is null && client.SecretHash is null)
            failures.Add($"{at}: a previous secret needs a current one (Secret or SecretHash).");
        if (hasPrevious && client.PreviousSecretValidUntil is null)
            failures.Add($"{at}:PreviousSecretValidUntil is required with a previous secret (until when both are accepted).");
        if (!hasPrevious && client.PreviousSecretValidUntil is not null)
            failures.Add($"{at}:PreviousSecretValidUntil is set but there is no PreviousSecret or PreviousSecretHash.");
    }

    /// <summary>RFC 9700 §2.1 and RFC 8252: exact absolute URIs, no fragment; plain http only on loopback.</summary>
    public static bool IsValidRedirectUri(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment) || value.Contains('#'))
            return false;
        if (value.Contains(' '))
            return false;
        return uri.Scheme switch
        {
            "https" => true,
            "http" => uri.IsLoopback,
            "javascript" or "data" or "file" or "vbscript" => false,
            _ => uri.Scheme.Contains('.'), // private-use schemes of native apps are reverse domain names
        };
    }

    private static bool IsBase64Of32Bytes(string value)
    {
        Span<byte> buffer = stackalloc byte[48];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
