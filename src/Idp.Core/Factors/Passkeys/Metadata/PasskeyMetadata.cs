using System.Security.Cryptography.X509Certificates;
using Fido2NetLib;
using Idp.Configuration;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Passkeys.Metadata;

/// <summary>
/// The FIDO metadata in memory: per AAGUID (or, for U2F keys, per attestation key identifier) the model's name,
/// status reports and attestation roots. Loaded from <c>Idp:Passkeys:Metadata:Path</c> at start-up and replaced by
/// <see cref="PasskeyMetadataRefreshJob"/>; a BLOB with a lower serial number (<c>no</c>) than the one held is ignored.
/// </summary>
public sealed class PasskeyMetadata(IOptions<IdpOptions> options, TimeProvider clock, ILogger<PasskeyMetadata> logger)
{
    /// <summary>Statuses that refuse a passkey at registration and at sign-in.</summary>
    public static readonly IReadOnlySet<AuthenticatorStatus> RefusedStatuses = new HashSet<AuthenticatorStatus>
    {
        AuthenticatorStatus.REVOKED,
        AuthenticatorStatus.USER_VERIFICATION_BYPASS,
        AuthenticatorStatus.ATTESTATION_KEY_COMPROMISE,
        AuthenticatorStatus.USER_KEY_REMOTE_COMPROMISE,
        AuthenticatorStatus.USER_KEY_PHYSICAL_COMPROMISE,
    };

    private Snapshot _current = Snapshot.Empty;

    private sealed record Snapshot(int Number, IReadOnlyDictionary<Guid, MetadataBLOBPayloadEntry> ByAaguid, IReadOnlyList<MetadataBLOBPayloadEntry> ByKeyIdentifier)
    {
        public static readonly Snapshot Empty = new(-1, new Dictionary<Guid, MetadataBLOBPayloadEntry>(), []);
    }

    private PasskeyMetadataOptions Settings => options.Value.Passkeys.Metadata;

    /// <summary>The serial number of the BLOB held (-1: none).</summary>
    public int Number => _current.Number;

    /// <summary>Whether any metadata is configured (a file or a URL).</summary>
    public bool IsConfigured => !string.IsNullOrEmpty(Settings.Path) || !string.IsNullOrEmpty(Settings.Url);

    /// <summary>The entry of an authenticator model, by its AAGUID (or, for the zero AAGUID of U2F keys, its attestation certificate).</summary>
    public MetadataBLOBPayloadEntry? Find(Guid aaguid, X509Certificate2? attestationCertificate = null)
    {
        var current = _current;
        if (aaguid != Guid.Empty)
            return current.ByAaguid.GetValueOrDefault(aaguid);
        return attestationCertificate is null ? null : current.ByKeyIdentifier.FirstOrDefault(e => e.MatchesAttestationCertificate(attestationCertificate));
    }

    /// <summary>The model's name (the metadata statement's description), or null when the model is unknown.</summary>
    public string? ModelOf(Guid aaguid) => Find(aaguid)?.MetadataStatement?.Description;

    /// <summary>The model's latest status when it is one that refuses the passkey; otherwise null.</summary>
    public AuthenticatorStatus? RefusedStatusOf(MetadataBLOBPayloadEntry? entry) =>
        entry?.StatusReports is { Length: > 0 } && entry.GetLatestStatusReport() is { } report && RefusedStatuses.Contains(report.Status) ? report.Status : null;

    /// <summary>Verifies and takes a BLOB; false when it is older than the one held. Throws <see cref="InvalidDataException"/> when it does not verify.</summary>
    public async Task<bool> LoadAsync(string jwt)
    {
        var payload = await MetadataBlob.ReadAsync(jwt, Root(), clock.GetUtcNow());
        if (payload.Number < _current.Number)
            return false;
        var byAaguid = new Dictionary<Guid, MetadataBLOBPayloadEntry>();
        foreach (var entry in payload.Entries.Where(e => e.AaGuid is { } id && id != Guid.Empty))
            byAaguid[entry.AaGuid!.Value] = entry;
        var byKey = payload.Entries.Where(e => e.AttestationCertificateKeyIdentifiers is { Length: > 0 }).ToList();
        _current = new Snapshot(payload.Number, byAaguid, byKey);
        PasskeysLog.MetadataLoaded(logger, payload.Number, payload.Entries.Length);
        return true;
    }

    /// <summary>Reads <c>Idp:Passkeys:Metadata:Path</c> when set.</summary>
    public async Task LoadFileAsync(CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(Settings.Path))
            return;
        await LoadAsync(await File.ReadAllTextAsync(Settings.Path, cancellationToken));
    }

    private X509Certificate2 Root() => string.IsNullOrEmpty(Settings.RootCertificatePath)
        ? X509CertificateLoader.LoadCertificate(Convert.FromBase64String(MetadataBlob.FidoRootBase64))
        : X509Certificate2.CreateFromPem(File.ReadAllText(Settings.RootCertificatePath));
}

/// <summary>Loads the metadata file before the app serves requests; a file that does not verify stops start-up.</summary>
public sealed class PasskeyMetadataLoader(PasskeyMetadata metadata) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await metadata.LoadFileAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"Idp:Passkeys:Metadata:Path: {e.Message}", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
