using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Idp.Authentication;
using Idp.Factors.Passkeys;

namespace Idp.UnitTests.Factors.Passkeys;

/// <summary>
/// Attestation statements verified by Fido2 inside Identity's hook (<see cref="PasskeyAttestations"/>): fido2-net-lib's
/// published vectors per format, and statements built here against a metadata file of our own for the policy.
/// </summary>
public sealed class PasskeyAttestationTests : IDisposable
{
    private static readonly Guid Model = Guid.Parse("cb69481e-8ff7-4039-93ec-0a2729a154a8");
    private static readonly Guid OtherModel = Guid.Parse("ee882879-721c-4913-9775-3dfcce97072a");
    private readonly TestAuthenticator _authenticator = new();

    public void Dispose() => _authenticator.Dispose();

    [Theory]
    [InlineData("attestationResultsPacked.json", "packed")]
    [InlineData("attestationResultsU2F.json", "fido-u2f")]
    [InlineData("attestationNoneResponse.json", "none")]
    [InlineData("attestationAndroidKeyResponse.json", "android-key")]
    public async Task PublishedVector_Verifies(string file, string format)
    {
        var (attestationObject, clientDataHash) = Vector(file);
        var (attestations, _) = _authenticator.Services();

        var attestation = await attestations.VerifyAsync(attestationObject, clientDataHash);

        Assert.Equal(format, attestation.Format);
        Assert.Equal(format == "none" ? AttestationTrust.None : AttestationTrust.Unanchored, attestation.Trust);
    }

    [Theory]
    [InlineData("attestationResultsPacked.json")]
    [InlineData("attestationResultsU2F.json")]
    [InlineData("attestationAndroidKeyResponse.json")]
    public async Task PublishedVector_WithOtherClientData_IsRefused(string file)
    {
        var (attestationObject, _) = Vector(file);
        var (attestations, _) = _authenticator.Services();

        await Assert.ThrowsAnyAsync<Exception>(() => attestations.VerifyAsync(attestationObject, SHA256.HashData("{}"u8)));
    }

    [Fact]
    public async Task PackedSelf_Verifies_ButProvesNoModel()
    {
        var (attestations, _) = _authenticator.Services();
        var attestation = await attestations.VerifyAsync(_authenticator.PackedSelf(Model).AttestationObject, TestAuthenticator.ClientDataHash);
        Assert.Equal(("packed", AttestationTrust.None), (attestation.Format, attestation.Trust));
    }

    [Fact]
    public async Task PackedSelf_WithForgedSignature_IsRefused()
    {
        var (attestations, _) = _authenticator.Services();
        var registration = _authenticator.PackedSelf(Model);
        await Assert.ThrowsAnyAsync<Exception>(() => attestations.VerifyAsync(registration.AttestationObject, SHA256.HashData("other"u8)));
    }

    [Fact]
    public async Task PackedFull_ChainingToTheModelsRootInMetadata_IsCertified_AndNamesTheModel()
    {
        var (attestations, metadata) = _authenticator.Services();
        await metadata.LoadAsync(_authenticator.MetadataBlob(1, [_authenticator.Entry(Model, "Test Key 5")]));

        var attestation = await attestations.VerifyAsync(_authenticator.PackedFull(Model).AttestationObject, TestAuthenticator.ClientDataHash);

        Assert.Equal((AttestationTrust.Certified, "Test Key 5", Model), (attestation.Trust, attestation.Model, attestation.Aaguid));
    }

    [Fact]
    public async Task PackedFull_FromAnotherRoot_ForAModelInMetadata_IsRefused()
    {
        var (attestations, metadata) = _authenticator.Services();
        await metadata.LoadAsync(_authenticator.MetadataBlob(1, [_authenticator.Entry(Model, "Test Key 5")]));
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rogueRoot = TestAuthenticator.SelfSigned("CN=Rogue Root", rogueKey, DateTimeOffset.UtcNow);

        var registration = _authenticator.PackedFull(Model, root: (rogueRoot, rogueKey));

        await Assert.ThrowsAnyAsync<Exception>(() => attestations.VerifyAsync(registration.AttestationObject, TestAuthenticator.ClientDataHash));
    }

    [Theory]
    [InlineData("REVOKED")]
    [InlineData("USER_VERIFICATION_BYPASS")]
    [InlineData("ATTESTATION_KEY_COMPROMISE")]
    [InlineData("USER_KEY_REMOTE_COMPROMISE")]
    [InlineData("USER_KEY_PHYSICAL_COMPROMISE")]
    public async Task Registration_OfAModelWithACompromisedStatus_IsRefused(string status)
    {
        var (attestations, metadata) = _authenticator.Services();
        await metadata.LoadAsync(_authenticator.MetadataBlob(1, [_authenticator.Entry(Model, "Test Key 5", status)]));

        var attestation = await attestations.VerifyAsync(_authenticator.PackedFull(Model).AttestationObject, TestAuthenticator.ClientDataHash);

        Assert.Equal("Passkey_ModelRevoked", attestations.Refusal(attestation)?.MessageKey);
    }

    [Fact]
    public async Task SignIn_AfterTheModelWasRevoked_IsRefused()
    {
        var (attestations, metadata) = _authenticator.Services();
        await metadata.LoadAsync(_authenticator.MetadataBlob(1, [_authenticator.Entry(Model, "Test Key 5")]));
        var registration = _authenticator.PackedFull(Model);
        Assert.Null(attestations.Refusal(await attestations.VerifyAsync(registration.AttestationObject, TestAuthenticator.ClientDataHash)));
        var passkey = registration.ToPasskey();
        Assert.Null(attestations.RefusedStatusOf(passkey));

        await metadata.LoadAsync(_authenticator.MetadataBlob(2, [_authenticator.Entry(Model, "Test Key 5", "REVOKED")]));

        Assert.Equal(AuthenticatorStatus.REVOKED, attestations.RefusedStatusOf(passkey));
    }

    [Fact]
    public async Task RequireAttestation_RefusesNoneAndSelf_AcceptsACertificateChain()
    {
        var (attestations, _) = _authenticator.Services(p => p.Policy.RequireAttestation = true);

        var none = await attestations.VerifyAsync(_authenticator.None(Model).AttestationObject, TestAuthenticator.ClientDataHash);
        var self = await attestations.VerifyAsync(_authenticator.PackedSelf(Model).AttestationObject, TestAuthenticator.ClientDataHash);
        var full = await attestations.VerifyAsync(_authenticator.PackedFull(Model).AttestationObject, TestAuthenticator.ClientDataHash);

        Assert.Equal("Passkey_AttestationRequired", attestations.Refusal(none)?.MessageKey);
        Assert.Equal("Passkey_AttestationRequired", attestations.Refusal(self)?.MessageKey);
        Assert.Null(attestations.Refusal(full));
    }

    [Fact]
    public async Task WithoutPolicy_NoneAttestation_IsAccepted()
    {
        var (attestations, _) = _authenticator.Services();
        var none = await attestations.VerifyAsync(_authenticator.None(Guid.Empty).AttestationObject, TestAuthenticator.ClientDataHash);
        Assert.Null(attestations.Refusal(none));
    }

    [Fact]
    public async Task AllowList_AcceptsOnlyACertifiedListedModel()
    {
        var (attestations, metadata) = _authenticator.Services(p => p.Policy.AllowedAaguids = [Model.ToString()]);
        await metadata.LoadAsync(_authenticator.MetadataBlob(1, [_authenticator.Entry(Model, "Test Key 5"), _authenticator.Entry(OtherModel, "Other Key")]));

        async Task<string?> RefusalOf(TestAuthenticator.Registration registration) =>
            attestations.Refusal(await attestations.VerifyAsync(registration.AttestationObject, TestAuthenticator.ClientDataHash))?.MessageKey;

        Assert.Null(await RefusalOf(_authenticator.PackedFull(Model)));
        Assert.Equal("Passkey_ModelNotAllowed", await RefusalOf(_authenticator.PackedFull(OtherModel)));
        // Claiming the listed AAGUID without a certificate chain proves nothing.
        Assert.Equal("Passkey_ModelNotAllowed", await RefusalOf(_authenticator.None(Model)));
        Assert.Equal("Passkey_ModelNotAllowed", await RefusalOf(_authenticator.PackedSelf(Model)));
    }

    [Theory]
    [InlineData(true, false, AuthenticationLevel.PhishingResistant)]
    [InlineData(true, true, AuthenticationLevel.PhishingResistant)]
    [InlineData(false, false, AuthenticationLevel.PhishingResistant)]
    [InlineData(false, true, AuthenticationLevel.SecondFactor)]
    public void Level_OfSyncedAndDeviceBoundPasskeys_FollowsSyncedCountAsPhishingResistant(bool syncedCount, bool synced, AuthenticationLevel expected)
    {
        var (attestations, _) = _authenticator.Services(p => p.Policy.SyncedCountAsPhishingResistant = syncedCount);
        Assert.Equal(expected, attestations.LevelOf(_authenticator.None(Model, backupEligible: synced).ToPasskey()));
    }

    [Fact]
    public void Level_OfAPasskeyWhoseModelLeftTheAllowList_IsSecondFactor()
    {
        var (attestations, _) = _authenticator.Services(p => p.Policy.AllowedAaguids = [Model.ToString()]);
        Assert.Equal(AuthenticationLevel.PhishingResistant, attestations.LevelOf(_authenticator.PackedFull(Model).ToPasskey()));
        Assert.Equal(AuthenticationLevel.SecondFactor, attestations.LevelOf(_authenticator.PackedFull(OtherModel).ToPasskey()));
    }

    [Fact]
    public async Task MetadataBlob_SignedUnderAnotherRoot_IsRejected_AndTheHeldOneStays()
    {
        var (_, metadata) = _authenticator.Services();
        await metadata.LoadAsync(_authenticator.MetadataBlob(1, [_authenticator.Entry(Model, "Test Key 5")]));
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rogue = _authenticator.MetadataBlob(2, [], rogueKey, TestAuthenticator.SelfSigned("CN=Rogue", rogueKey, DateTimeOffset.UtcNow));

        await Assert.ThrowsAsync<InvalidDataException>(() => metadata.LoadAsync(rogue));
        Assert.Equal((1, "Test Key 5"), (metadata.Number, metadata.ModelOf(Model)));
    }

    [Fact]
    public async Task MetadataBlob_OlderThanTheHeldOne_IsIgnored()
    {
        var (_, metadata) = _authenticator.Services();
        await metadata.LoadAsync(_authenticator.MetadataBlob(5, [_authenticator.Entry(Model, "New name")]));

        Assert.False(await metadata.LoadAsync(_authenticator.MetadataBlob(4, [_authenticator.Entry(Model, "Old name")])));
        Assert.Equal("New name", metadata.ModelOf(Model));
    }

    /// <summary>The attestation object and the client data hash of a registration response published with fido2-net-lib.</summary>
    private static (byte[] AttestationObject, byte[] ClientDataHash) Vector(string file, [CallerFilePath] string source = "")
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(source)!, "Vectors", file)));
        var response = json.RootElement.GetProperty("response");
        return (Base64Url.DecodeFromChars(response.GetProperty("attestationObject").GetString()),
                SHA256.HashData(Base64Url.DecodeFromChars(response.GetProperty("clientDataJSON").GetString())));
    }
}
