using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Fido2NetLib.Cbor;
using Fido2NetLib.Objects;
using Idp.Configuration;
using Idp.Factors.Passkeys;
using Idp.Factors.Passkeys.Metadata;
using Idp.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Idp.UnitTests.Factors.Passkeys;

/// <summary>
/// Builds WebAuthn attestation objects as an authenticator would (packed self and full, fido-u2f, none), with an
/// attestation root of its own, and FIDO metadata BLOBs signed by a metadata root of its own.
/// </summary>
internal sealed class TestAuthenticator : IDisposable
{
    public static readonly byte[] RpIdHash = SHA256.HashData(Encoding.UTF8.GetBytes("localhost"));
    public static readonly byte[] ClientDataHash = SHA256.HashData(Encoding.UTF8.GetBytes("{\"type\":\"webauthn.create\"}"));

    private readonly ECDsa _attestationRootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _metadataRootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _directory = Directory.CreateTempSubdirectory("idp-fido-").FullName;

    public TestAuthenticator()
    {
        var now = DateTimeOffset.UtcNow;
        AttestationRoot = SelfSigned("CN=Idp Test Attestation Root", _attestationRootKey, now);
        MetadataRoot = SelfSigned("CN=Idp Test Metadata Root", _metadataRootKey, now);
        MetadataRootPath = Path.Combine(_directory, "mds-root.pem");
        File.WriteAllText(MetadataRootPath, MetadataRoot.ExportCertificatePem());
    }

    public X509Certificate2 AttestationRoot { get; }
    public X509Certificate2 MetadataRoot { get; }
    public string MetadataRootPath { get; }

    /// <summary>An attestation object and the credential's data as Identity would store them.</summary>
    public sealed record Registration(byte[] AttestationObject, byte[] AuthenticatorData, Guid Aaguid, bool BackupEligible)
    {
        public UserPasskeyInfo ToPasskey() =>
            new(RandomNumberGenerator.GetBytes(16), [1], DateTimeOffset.UnixEpoch, 0, null, true, BackupEligible, BackupEligible, AttestationObject, []);
    }

    public Registration None(Guid aaguid, bool backupEligible = false) =>
        Build("none", aaguid, backupEligible, (_, _) => new CborMap());

    public Registration PackedSelf(Guid aaguid, bool backupEligible = false) =>
        Build("packed", aaguid, backupEligible, (authData, key) => new CborMap
        {
            { "alg", (int)COSE.Algorithm.ES256 },
            { "sig", key.SignData([.. authData, .. ClientDataHash], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence) },
        });

    /// <summary>Packed with a certificate chain: the attestation certificate is issued by <paramref name="root"/> (the test's attestation root by default).</summary>
    public Registration PackedFull(Guid aaguid, bool backupEligible = false, (X509Certificate2 Certificate, ECDsa Key)? root = null)
    {
        var issuer = root ?? (AttestationRoot, _attestationRootKey);
        using var attestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("C=DE, O=Idp Test, OU=Authenticator Attestation, CN=Idp Test Key", attestationKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(aaguid.ToByteArray(bigEndian: true));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.45724.1.1.4", writer.Encode(), false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(8);
        using var certificate = request.Create(issuer.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuer.Key), now.AddDays(-1), now.AddYears(1), serial);
        var der = certificate.RawData;
        return Build("packed", aaguid, backupEligible, (authData, _) => new CborMap
        {
            { "alg", (int)COSE.Algorithm.ES256 },
            { "sig", attestationKey.SignData([.. authData, .. ClientDataHash], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence) },
            { "x5c", new CborArray { der } },
        });
    }

    /// <summary>A FIDO metadata BLOB (JWT) signed under the test's metadata root (or <paramref name="signer"/>).</summary>
    public string MetadataBlob(int number, IEnumerable<object> entries, ECDsa? signer = null, X509Certificate2? signerCertificate = null)
    {
        var key = signer ?? _metadataRootKey;
        var certificate = signerCertificate ?? MetadataRoot;
        var payload = JsonSerializer.Serialize(new { legalHeader = "test", no = number, nextUpdate = "2099-01-01", entries });
        var credentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256);
        return new JsonWebTokenHandler().CreateToken(payload, credentials,
            new Dictionary<string, object> { ["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) } });
    }

    /// <summary>A metadata entry of a model whose attestation root is the test's, with <paramref name="status"/> as its latest status.</summary>
    public object Entry(Guid aaguid, string description, string status = "FIDO_CERTIFIED_L1") => new
    {
        aaguid = aaguid.ToString(),
        metadataStatement = new
        {
            legalHeader = "test",
            aaguid = aaguid.ToString(),
            description,
            authenticatorVersion = 1,
            protocolFamily = "fido2",
            schema = 3,
            upv = new[] { new { major = 1, minor = 0 } },
            authenticationAlgorithms = new[] { "secp256r1_ecdsa_sha256_raw" },
            publicKeyAlgAndEncodings = new[] { "cose" },
            attestationTypes = new[] { "basic_full" },
            userVerificationDetails = new[] { new[] { new { userVerificationMethod = "presence_internal" } } },
            keyProtection = new[] { "hardware" },
            matcherProtection = new[] { "on_chip" },
            attachmentHint = new[] { "external" },
            tcDisplay = Array.Empty<string>(),
            attestationRootCertificates = new[] { Convert.ToBase64String(AttestationRoot.RawData) },
        },
        statusReports = new[] { new { status, effectiveDate = "2024-01-01" } },
        timeOfLastStatusChange = "2024-01-01",
    };

    /// <summary>The policy and metadata services over <paramref name="configure"/>d options, metadata root = the test's.</summary>
    public (PasskeyAttestations Attestations, PasskeyMetadata Metadata) Services(Action<PasskeysOptions>? configure = null)
    {
        var options = new IdpOptions();
        options.Passkeys.Metadata.RootCertificatePath = MetadataRootPath;
        configure?.Invoke(options.Passkeys);
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var metadata = new PasskeyMetadata(wrapped, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<PasskeyMetadata>.Instance);
        return (new PasskeyAttestations(metadata, wrapped, NullLogger<PasskeyAttestations>.Instance), metadata);
    }

    public void Dispose()
    {
        _attestationRootKey.Dispose();
        _metadataRootKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public static X509Certificate2 SelfSigned(string subject, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    private static Registration Build(string format, Guid aaguid, bool backupEligible, Func<byte[], ECDsa, CborMap> statement)
    {
        using var credentialKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var flags = AuthenticatorFlags.UP | AuthenticatorFlags.UV | AuthenticatorFlags.AT | (backupEligible ? AuthenticatorFlags.BE : 0);
        var credential = new AttestedCredentialData(aaguid, RandomNumberGenerator.GetBytes(16), new CredentialPublicKey(credentialKey, COSE.Algorithm.ES256));
        var authData = new AuthenticatorData(RpIdHash, flags, 0, credential).ToByteArray();
        var attestation = new CborMap
        {
            { "fmt", format },
            { "attStmt", statement(authData, credentialKey) },
            { "authData", authData },
        };
        return new Registration(attestation.Encode(), authData, aaguid, backupEligible);
    }
}
