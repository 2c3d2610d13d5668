using System.Security.Cryptography;
using System.Text;
using Idp.Factors.Push;
using Idp.Security;

namespace Idp.UnitTests.Factors;

/// <summary>The device key checks of push approval: which public keys are accepted, and signature verification.</summary>
public sealed class PushCryptoTests
{
    [Fact]
    public void ParsePublicKey_AcceptsOnlyUncompressedP256Spki()
    {
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = p256.ExportSubjectPublicKeyInfo();
        Assert.Equal(spki, PushCrypto.ParsePublicKey(Hashing.Base64Url(spki)));

        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Null(PushCrypto.ParsePublicKey(Hashing.Base64Url(p384.ExportSubjectPublicKeyInfo())));
        using var rsa = RSA.Create(2048);
        Assert.Null(PushCrypto.ParsePublicKey(Hashing.Base64Url(rsa.ExportSubjectPublicKeyInfo())));
        Assert.Null(PushCrypto.ParsePublicKey(Hashing.Base64Url(spki.Concat(new byte[] { 0 }).ToArray())));
        Assert.Null(PushCrypto.ParsePublicKey("not base64url!"));
        Assert.Null(PushCrypto.ParsePublicKey(null));
        // A point that is not on the curve.
        var offCurve = (byte[])spki.Clone();
        offCurve[^1] ^= 0x01;
        Assert.Null(PushCrypto.ParsePublicKey(Hashing.Base64Url(offCurve)));
    }

    [Fact]
    public void VerifySignature_ChecksKeyMessageAndP1363Form()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        const string message = "req.challenge.approve.42";
        var p1363 = key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.True(PushCrypto.VerifySignature(spki, message, Hashing.Base64Url(p1363)));
        Assert.False(PushCrypto.VerifySignature(spki, "req.challenge.approve.43", Hashing.Base64Url(p1363)));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(PushCrypto.VerifySignature(other.ExportSubjectPublicKeyInfo(), message, Hashing.Base64Url(p1363)));
        // DER signatures (not what WebCrypto produces) and garbage are refused, not thrown.
        var der = key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        Assert.False(PushCrypto.VerifySignature(spki, message, Hashing.Base64Url(der)));
        Assert.False(PushCrypto.VerifySignature(spki, message, "%%%"));
    }

    [Theory]
    [InlineData("+49 151 1234 5612", "+49 ••• ••• 12")]
    [InlineData("+4915100000001", "+49 ••• ••• 01")]
    [InlineData("0151 99", "••• ••• 99")]
    public void MaskPhone_ShowsCountryCodeAndLastTwoDigits(string phone, string masked) =>
        Assert.Equal(masked, PushApprovals.MaskPhone(phone));

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0", "Edge (Windows)")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox (Linux)")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1", "Safari (iOS)")]
    [InlineData(null, null)]
    public void BrowserName_IsShortAndReadable(string? userAgent, string? expected) =>
        Assert.Equal(expected, PushApprovals.BrowserName(userAgent));
}
