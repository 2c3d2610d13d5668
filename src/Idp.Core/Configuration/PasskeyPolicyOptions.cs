namespace Idp.Configuration;

/// <summary>
/// The <c>Idp:Passkeys:Policy</c> section: which passkeys an organisation accepts and which reach the
/// phishing-resistant level (<c>urn:idp:acr:phr</c>).
/// </summary>
public sealed class PasskeyPolicyOptions
{
    /// <summary>
    /// AAGUIDs of the authenticator models that may be registered; empty: any. A listed model must prove itself by an
    /// attestation certificate chain to that model's root in the FIDO metadata (<c>Idp:Passkeys:Metadata</c>): a
    /// passkey outside the list, or one that only claims a listed AAGUID, is refused at registration.
    /// </summary>
    public List<string> AllowedAaguids { get; set; } = [];

    /// <summary>
    /// Whether a synced (backup-eligible) passkey reaches the phishing-resistant level (default true: it is
    /// origin-bound all the same). False: it counts only as a second factor; device-bound keys keep the level.
    /// </summary>
    public bool SyncedCountAsPhishingResistant { get; set; } = true;

    /// <summary>True: a passkey without a certificate attestation (<c>none</c>, or self attestation) is refused at registration.</summary>
    public bool RequireAttestation { get; set; }
}

/// <summary>The <c>Idp:Passkeys:Metadata</c> section: the FIDO Metadata Service (MDS3) BLOB.</summary>
public sealed class PasskeyMetadataOptions
{
    /// <summary>The BLOB file (the JWT as downloaded from https://mds3.fidoalliance.org/), read at start-up; empty: no metadata.</summary>
    public string? Path { get; set; }

    /// <summary>Where a Quartz job fetches a newer BLOB (e.g. <c>https://mds3.fidoalliance.org/</c>); empty: the file only.</summary>
    public string? Url { get; set; }

    /// <summary>How often the job fetches <see cref="Url"/>.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// PEM file of the root the BLOB's signing chain must end in; empty: GlobalSign Root CA – R3, the FIDO Alliance's root.
    /// </summary>
    public string? RootCertificatePath { get; set; }
}
