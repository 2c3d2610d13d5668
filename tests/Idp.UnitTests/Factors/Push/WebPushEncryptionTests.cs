using System.Security.Cryptography;
using System.Text;
using Idp.Factors.Push.WebPush;
using Idp.Testing;

namespace Idp.UnitTests.Factors.Push;

public sealed class WebPushEncryptionTests
{
    // RFC 8291, Section 5 and Appendix A: the example's plaintext, keys, salt and the resulting message body.
    private const string Plaintext = "When I grow up, I want to be a watermelon";
    private const string AsPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private const string AsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private const string UaPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string UaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private const string Salt = "DGv6ra1nlYgDCS1FRnbzlw";
    private const string AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
    private const string ExpectedBody =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
        + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
        + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    [Fact]
    public void Encrypt_Rfc8291Example_ProducesTheExactBody()
    {
        using var applicationServer = Import(AsPrivate, AsPublic);

        var body = WebPushEncryption.Encrypt(
            Encoding.UTF8.GetBytes(Plaintext), B(UaPublic), B(AuthSecret), applicationServer, B(Salt));

        Assert.Equal(ExpectedBody, WebPushReceiver.Base64Url(body));
    }

    [Fact]
    public void Decrypt_Rfc8291ExampleWithTheUserAgentKey_GivesThePlaintext()
    {
        // The receiving side of the same example, so the test decryption used against the sender is itself checked.
        using var userAgent = Import(UaPrivate, UaPublic);

        var plaintext = WebPushReceiver.Decrypt(B(ExpectedBody), userAgent, B(UaPublic), B(AuthSecret));

        Assert.Equal(Plaintext, Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void Encrypt_FreshKeyAndSalt_EachMessageDiffersAndOpensForTheSubscription()
    {
        using var receiver = new WebPushReceiver();
        var payload = """{"type":"request","requestId":"r1","portalName":"Finance Cloud"}"""u8.ToArray();

        var first = WebPushEncryption.Encrypt(payload, receiver.PublicKey, receiver.AuthSecret);
        var second = WebPushEncryption.Encrypt(payload, receiver.PublicKey, receiver.AuthSecret);

        Assert.NotEqual(first[..16], second[..16]); // salt
        Assert.NotEqual(first[21..86], second[21..86]); // ephemeral key
        Assert.Equal(payload, receiver.Decrypt(first));
        Assert.Equal(payload, receiver.Decrypt(second));
    }

    [Fact]
    public void Encrypt_AnotherSubscriptionsAuthSecret_DoesNotOpen()
    {
        using var receiver = new WebPushReceiver();
        var body = WebPushEncryption.Encrypt("secret"u8, receiver.PublicKey, RandomNumberGenerator.GetBytes(16));

        Assert.ThrowsAny<CryptographicException>(() => receiver.Decrypt(body));
    }

    [Fact]
    public void Encrypt_HeaderCarriesRecordSizeAndTheSendersKeyAsKeyId()
    {
        using var receiver = new WebPushReceiver();
        var body = WebPushEncryption.Encrypt("x"u8, receiver.PublicKey, receiver.AuthSecret);

        Assert.Equal(new byte[] { 0, 0, 0x10, 0 }, body[16..20]); // rs = 4096
        Assert.Equal(65, body[20]);
        Assert.Equal(0x04, body[21]);
        Assert.Equal(86 + 1 + 1 + 16, body.Length); // header, plaintext, delimiter, tag
    }

    [Fact]
    public void Encrypt_BadInput_IsRefused()
    {
        using var receiver = new WebPushReceiver();

        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt(new byte[WebPushEncryption.MaxPlaintextLength + 1], receiver.PublicKey, receiver.AuthSecret));
        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt("x"u8, receiver.PublicKey, new byte[15]));
        Assert.ThrowsAny<CryptographicException>(() => WebPushEncryption.Encrypt("x"u8, receiver.PublicKey[..33], receiver.AuthSecret));
        var offCurve = receiver.PublicKey.ToArray();
        offCurve[64] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => WebPushEncryption.Encrypt("x"u8, offCurve, receiver.AuthSecret));
        Assert.Equal(3993, WebPushEncryption.Encrypt(new byte[WebPushEncryption.MaxPlaintextLength], receiver.PublicKey, receiver.AuthSecret).Length - 86 - 17);
    }

    private static ECDiffieHellman Import(string privateKey, string publicKey)
    {
        var point = B(publicKey);
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = B(privateKey),
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
    }

    private static byte[] B(string base64Url) => WebPushReceiver.FromBase64Url(base64Url);
}
