using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Factors.Push.WebPush;

/// <summary>The application server's VAPID key pair (ECDSA P-256, RFC 8292 §3.2).</summary>
public sealed class VapidKey : IDisposable
{
    private VapidKey(ECDsa key)
    {
        Key = key;
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        PublicKey = [0x04, .. point.X!, .. point.Y!];
        PublicKeyBase64Url = Base64UrlEncoder.Encode(PublicKey);
    }

    public ECDsa Key { get; }

    /// <summary>The uncompressed point (65 bytes): <c>applicationServerKey</c> of the browser's subscribe call.</summary>
    public byte[] PublicKey { get; }

    public string PublicKeyBase64Url { get; }

    public static VapidKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>From the 32-byte private scalar; the public point is computed from it.</summary>
    public static VapidKey FromPrivateScalar(ReadOnlySpan<byte> d)
    {
        if (d.Length != 32)
            throw new CryptographicException("A P-256 private key is 32 bytes.");
        var key = ECDsa.Create();
        try
        {
            key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d.ToArray() });
            return new VapidKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>From configuration: the private scalar, checked against the given public point.</summary>
    public static VapidKey FromBase64Url(string publicKey, string privateKey)
    {
        var vapid = FromPrivateScalar(Base64UrlEncoder.DecodeBytes(privateKey.Trim()));
        if (!CryptographicOperations.FixedTimeEquals(vapid.PublicKey, Base64UrlEncoder.DecodeBytes(publicKey.Trim())))
        {
            vapid.Dispose();
            throw new CryptographicException("The public key does not belong to the private key.");
        }
        return vapid;
    }

    /// <summary>The private scalar (32 bytes); the caller clears it after use.</summary>
    public byte[] ExportPrivateScalar() => Key.ExportParameters(includePrivateParameters: true).D!;

    public void Dispose() => Key.Dispose();
}
