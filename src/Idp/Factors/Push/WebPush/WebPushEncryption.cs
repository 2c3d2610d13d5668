using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Idp.Factors.Push.WebPush;

/// <summary>
/// Message encryption for Web Push (RFC 8291) in the <c>aes128gcm</c> content coding (RFC 8188): one record, the
/// application server's ephemeral ECDH public key as <c>keyid</c>. Only .NET's own crypto: ECDiffieHellman (P-256),
/// HKDF-SHA-256 and AES-128-GCM.
/// </summary>
public static class WebPushEncryption
{
    /// <summary>Record size written in the header: one record holds every payload a push service must accept.</summary>
    public const int RecordSize = 4096;

    /// <summary>RFC 8291 §4: 4096 octets of body minus the header (86), the padding delimiter (1) and the tag (16).</summary>
    public const int MaxPlaintextLength = 3993;

    private const int SaltLength = 16;
    private const int AuthSecretLength = 16;
    private const int PublicKeyLength = 65;
    private const int TagLength = 16;
    private const int HeaderLength = SaltLength + 4 + 1 + PublicKeyLength;

    private static readonly byte[] KeyInfoPrefix = "WebPush: info\0"u8.ToArray();
    private static readonly byte[] CekInfo = "Content-Encoding: aes128gcm\0"u8.ToArray();
    private static readonly byte[] NonceInfo = "Content-Encoding: nonce\0"u8.ToArray();

    /// <summary>Encrypts <paramref name="plaintext"/> for a subscription with a fresh ephemeral key and salt.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret)
    {
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Span<byte> salt = stackalloc byte[SaltLength];
        RandomNumberGenerator.Fill(salt);
        return Encrypt(plaintext, userAgentPublicKey, authSecret, ephemeral, salt);
    }

    /// <summary>
    /// Encrypts with a given application-server key pair and salt (RFC 8291 §3.4). Only tests pass their own: a key
    /// or salt used twice would repeat the content key and nonce.
    /// </summary>
    public static byte[] Encrypt(
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> userAgentPublicKey,
        ReadOnlySpan<byte> authSecret,
        ECDiffieHellman applicationServerKey,
        ReadOnlySpan<byte> salt)
    {
        if (plaintext.Length > MaxPlaintextLength)
            throw new ArgumentException($"A push payload holds at most {MaxPlaintextLength} bytes.", nameof(plaintext));
        if (authSecret.Length != AuthSecretLength)
            throw new ArgumentException("The subscription's auth secret must be 16 bytes.", nameof(authSecret));
        if (salt.Length != SaltLength)
            throw new ArgumentException("The salt must be 16 bytes.", nameof(salt));

        using var userAgentKey = ImportPublicKey(userAgentPublicKey);
        var applicationServerPublicKey = ExportPublicKey(applicationServerKey);

        // ecdh_secret = ECDH(as_private, ua_public); IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
        var ecdhSecret = applicationServerKey.DeriveRawSecretAgreement(userAgentKey.PublicKey);
        var keyInfo = new byte[KeyInfoPrefix.Length + 2 * PublicKeyLength];
        KeyInfoPrefix.CopyTo(keyInfo, 0);
        userAgentPublicKey.CopyTo(keyInfo.AsSpan(KeyInfoPrefix.Length));
        applicationServerPublicKey.CopyTo(keyInfo.AsSpan(KeyInfoPrefix.Length + PublicKeyLength));
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, ecdhSecret, 32, authSecret.ToArray(), keyInfo);

        // RFC 8188 §2.2/2.3: PRK = HKDF-Extract(salt, IKM); CEK and NONCE by HKDF-Expand.
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt.ToArray());
        var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, CekInfo);
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, NonceInfo);
        CryptographicOperations.ZeroMemory(ecdhSecret);
        CryptographicOperations.ZeroMemory(ikm);
        CryptographicOperations.ZeroMemory(prk);

        // Header: salt (16) || rs (uint32) || idlen (1) || keyid (as_public, 65); then one record: plaintext || 0x02, sealed.
        var body = new byte[HeaderLength + plaintext.Length + 1 + TagLength];
        salt.CopyTo(body);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(SaltLength, 4), RecordSize);
        body[SaltLength + 4] = PublicKeyLength;
        applicationServerPublicKey.CopyTo(body.AsSpan(SaltLength + 5));

        var padded = new byte[plaintext.Length + 1];
        plaintext.CopyTo(padded);
        padded[^1] = 0x02; // the delimiter of the last (and only) record, no further padding
        using (var aes = new AesGcm(cek, TagLength))
        {
            aes.Encrypt(nonce, padded, body.AsSpan(HeaderLength, padded.Length), body.AsSpan(HeaderLength + padded.Length, TagLength));
        }
        CryptographicOperations.ZeroMemory(cek);
        return body;
    }

    /// <summary>The uncompressed point (0x04 || X || Y, 65 bytes) of an EC key.</summary>
    public static byte[] ExportPublicKey(ECAlgorithm key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var point = new byte[PublicKeyLength];
        point[0] = 0x04;
        parameters.Q.X!.CopyTo(point, 1);
        parameters.Q.Y!.CopyTo(point, 33);
        return point;
    }

    /// <summary>Imports an uncompressed P-256 point; throws <see cref="CryptographicException"/> when it is not one.</summary>
    public static ECDiffieHellman ImportPublicKey(ReadOnlySpan<byte> uncompressedPoint)
    {
        if (uncompressedPoint.Length != PublicKeyLength || uncompressedPoint[0] != 0x04)
            throw new CryptographicException("The key is not an uncompressed P-256 point (65 bytes starting with 0x04).");
        var key = ECDiffieHellman.Create();
        try
        {
            key.ImportParameters(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = uncompressedPoint[1..33].ToArray(), Y = uncompressedPoint[33..].ToArray() },
            });
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
