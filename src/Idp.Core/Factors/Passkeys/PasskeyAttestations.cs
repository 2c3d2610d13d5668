using System.Security.Cryptography.X509Certificates;
using Fido2NetLib;
using Fido2NetLib.Cbor;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Idp.Authentication;
using Idp.Configuration;
using Idp.Factors.Passkeys.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Passkeys;

/// <summary>How far an attestation proves the authenticator's model.</summary>
public enum AttestationTrust
{
    /// <summary><c>none</c> or self attestation: the AAGUID is only claimed.</summary>
    None = 0,
    /// <summary>A certificate chain that verifies, but not to a root the metadata names for this model.</summary>
    Unanchored = 1,
    /// <summary>A certificate chain to the model's attestation root in the FIDO metadata.</summary>
    Certified = 2,
}

/// <summary>What a registration's attestation says: the format, the model (AAGUID, and its name from the metadata), and how far it is proven.</summary>
public sealed record PasskeyAttestation(string Format, Guid Aaguid, AttestationTrust Trust, string? Model, bool BackupEligible);

/// <summary>Why a registration was refused by the policy (the message key the enrolment page shows).</summary>
public sealed record PasskeyRefusal(string Reason, string MessageKey);

/// <summary>
/// Identity's attestation hook (<see cref="IdentityPasskeyOptions.VerifyAttestationStatement"/>) on Fido2's attestation
/// statement verifiers (packed, tpm, android-key, apple, fido-u2f, none; android-safetynet too), Fido2's trust-anchor
/// check against the model's roots in the FIDO metadata, the metadata status, and <c>Idp:Passkeys:Policy</c>.
/// The outcome of the registration in progress is left in <see cref="HttpContext.Items"/> for the enrolment.
/// </summary>
public sealed class PasskeyAttestations(PasskeyMetadata metadata, IOptions<IdpOptions> options, ILogger<PasskeyAttestations> logger)
{
    private static readonly object AttestationKey = new();
    private static readonly object RefusalKey = new();
    /// <summary>Fido2's defaults: Apple's and Google's roots for the apple and android-safetynet formats.</summary>
    private static readonly Fido2Configuration Fido2Defaults = new();

    private PasskeyPolicyOptions Policy => options.Value.Passkeys.Policy;

    /// <summary>The hook: true when the statement verifies and the policy accepts the authenticator.</summary>
    public async ValueTask<bool> VerifyStatementAsync(PasskeyAttestationStatementVerificationContext context)
    {
        PasskeyAttestation attestation;
        try
        {
            attestation = await VerifyAsync(context.AttestationObject, context.ClientDataHash.ToArray());
        }
        catch (Exception e) when (e is Fido2VerificationException or InvalidDataException or InvalidCastException or FormatException
                                      or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException)
        {
            PasskeysLog.RegistrationRefused(logger, "attestation statement does not verify", "?", Guid.Empty);
            return false;
        }
        context.HttpContext.Items[AttestationKey] = attestation;
        if (Refusal(attestation) is { } refusal)
        {
            context.HttpContext.Items[RefusalKey] = refusal;
            PasskeysLog.RegistrationRefused(logger, refusal.Reason, attestation.Format, attestation.Aaguid);
            return false;
        }
        return true;
    }

    /// <summary>The attestation the hook accepted in this request, if any.</summary>
    public static PasskeyAttestation? AcceptedIn(HttpContext http) => http.Items[AttestationKey] as PasskeyAttestation;

    /// <summary>The policy's refusal of the registration in this request, if any.</summary>
    public static PasskeyRefusal? RefusalIn(HttpContext http) => http.Items[RefusalKey] as PasskeyRefusal;

    /// <summary>
    /// Verifies an attestation object (WebAuthn §7.1 steps 19–21): its statement by Fido2's verifier for its format,
    /// then its certificate chain against the model's roots when the metadata knows the model. Throws when it does not verify.
    /// </summary>
    public async Task<PasskeyAttestation> VerifyAsync(ReadOnlyMemory<byte> attestationObject, byte[] clientDataHash)
    {
        if (CborObject.Decode(attestationObject) is not CborMap map
            || map["fmt"] is not CborTextString { Value: { } format }
            || map["attStmt"] is not CborMap statement
            || map["authData"] is not CborByteString { Value: { } authDataBytes })
            throw new InvalidDataException("Malformed attestation object.");
        var authData = AuthenticatorData.Parse(authDataBytes);
        var credential = authData.AttestedCredentialData ?? throw new InvalidDataException("No attested credential data.");
        var (type, certificates) = await AttestationVerifier.Create(format, Fido2Defaults).VerifyAsync(statement, authData, clientDataHash);
        var entry = metadata.Find(credential.AaGuid, certificates is { Length: > 0 } ? certificates[0] : null);
        if (certificates is { Length: > 0 })
            TrustAnchor.Verify(entry, certificates);
        var trust = type == AttestationType.None || type == AttestationType.Self || certificates is not { Length: > 0 } ? AttestationTrust.None
            : IsFullAttestation(entry) ? AttestationTrust.Certified
            : AttestationTrust.Unanchored;
        return new PasskeyAttestation(format, credential.AaGuid, trust, entry?.MetadataStatement?.Description, authData.IsBackupEligible);
    }

    /// <summary>Why the policy or the metadata refuses this authenticator, or null when it is accepted.</summary>
    public PasskeyRefusal? Refusal(PasskeyAttestation attestation)
    {
        if (metadata.RefusedStatusOf(metadata.Find(attestation.Aaguid)) is { } status)
            return new($"model status {status}", "Passkey_ModelRevoked");
        if (Policy.RequireAttestation && attestation.Trust == AttestationTrust.None)
            return new("attestation required", "Passkey_AttestationRequired");
        if (Policy.AllowedAaguids.Count > 0
            && !(attestation.Trust == AttestationTrust.Certified && Policy.AllowedAaguids.Any(a => Guid.TryParse(a, out var id) && id == attestation.Aaguid)))
            return new("model not allowed", "Passkey_ModelNotAllowed");
        return null;
    }

    /// <summary>
    /// The level one stored passkey reaches: phishing-resistant, except a synced one when
    /// <c>SyncedCountAsPhishingResistant</c> is false, and one whose recorded model is not (or no longer) in
    /// <c>AllowedAaguids</c>: those count as a second factor only.
    /// </summary>
    public AuthenticationLevel LevelOf(UserPasskeyInfo passkey)
    {
        if ((passkey.IsBackupEligible || passkey.IsBackedUp) && !Policy.SyncedCountAsPhishingResistant)
            return AuthenticationLevel.SecondFactor;
        if (Policy.AllowedAaguids.Count > 0)
        {
            var (aaguid, _) = RecordedOf(passkey);
            if (!Policy.AllowedAaguids.Any(a => Guid.TryParse(a, out var allowed) && allowed == aaguid))
                return AuthenticationLevel.SecondFactor;
        }
        return AuthenticationLevel.PhishingResistant;
    }

    /// <summary>The status of a stored passkey's model when it now refuses the passkey (it may have changed since the registration).</summary>
    public AuthenticatorStatus? RefusedStatusOf(UserPasskeyInfo passkey)
    {
        var (aaguid, _) = RecordedOf(passkey);
        return aaguid == Guid.Empty ? null : metadata.RefusedStatusOf(metadata.Find(aaguid));
    }

    /// <summary>The AAGUID and format recorded in a stored passkey's attestation object (zero and "none" when it cannot be read).</summary>
    public static (Guid Aaguid, string Format) RecordedOf(UserPasskeyInfo passkey)
    {
        try
        {
            if (passkey.AttestationObject is { Length: > 0 } bytes && CborObject.Decode(bytes) is CborMap map
                && map["authData"] is CborByteString { Value: { } authData }
                && AuthenticatorData.Parse(authData).AttestedCredentialData is { } credential)
                return (credential.AaGuid, map["fmt"] is CborTextString { Value: { } format } ? format : "none");
        }
        catch (Exception e) when (e is Fido2VerificationException or InvalidCastException or FormatException or ArgumentException or InvalidOperationException)
        {
        }
        return (Guid.Empty, "none");
    }

    private static bool IsFullAttestation(MetadataBLOBPayloadEntry? entry) =>
        entry?.MetadataStatement?.AttestationTypes is { } types
        && (types.Contains("basic_full") || types.Contains("attca"));
}
