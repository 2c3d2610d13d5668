namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// Chromium's DevTools virtual authenticator (CDP domain <c>WebAuthn</c>) standing in for a platform authenticator:
/// CTAP2, internal transport, resident keys, user verification that succeeds, presence simulated.
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;

    private VirtualAuthenticator(ICDPSession cdp, string id)
    {
        _cdp = cdp;
        Id = id;
    }

    public string Id { get; }

    /// <param name="synced">
    /// True for a synced passkey (a password manager's): its credentials are backup eligible and backed up, which Idp
    /// reports as <c>swk</c>; false for a device-bound one (<c>hwk</c>).
    /// </param>
    public static async Task<VirtualAuthenticator> AddAsync(IPage page, bool synced = false)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var result = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
                ["defaultBackupEligibility"] = synced,
                ["defaultBackupState"] = synced,
            },
        });
        var id = result?.GetProperty("authenticatorId").GetString() ?? throw new InvalidOperationException("No authenticator id.");
        return new VirtualAuthenticator(cdp, id);
    }

    /// <summary>How many credentials the authenticator holds.</summary>
    public async Task<int> CredentialCountAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return result?.GetProperty("credentials").GetArrayLength() ?? 0;
    }

    /// <summary>The ids (base64url, as in WebAuthn options) of the credentials the authenticator holds.</summary>
    public async Task<IReadOnlyList<string>> CredentialIdsAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return result?.GetProperty("credentials").EnumerateArray()
            .Select(c => c.GetProperty("credentialId").GetString()!.TrimEnd('=').Replace('+', '-').Replace('/', '_'))
            .ToList() ?? [];
    }
}
