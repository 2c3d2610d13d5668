using System.Security.Cryptography;
using System.Text;

namespace Idp.Factors.Push;

/// <summary>The device's keys: ECDSA P-256, public keys as SubjectPublicKeyInfo, signatures in IEEE P1363 form.</summary>
public static class PushCrypto
{
    public const string NistP256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The length of an uncompressed P-256 SubjectPublicKeyInfo.</summary>
    private const int P256SpkiLength = 91;

    /// <summary>An uncompressed P-256 SubjectPublicKeyInfo in base64url, or null.</summary>
    public static byte[]? ParsePublicKey(string? publicKey)
    {
        if (string.IsNullOrEmpty(publicKey) || publicKey.Length > 200)
            return null;
        try
        {
            var spki = System.Buffers.Text.Base64Url.DecodeFromChars(publicKey);
            if (spki.Length != P256SpkiLength)
                return null;
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || key.ExportParameters(false).Curve.Oid.Value != NistP256Oid)
                return null;
            return key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki) ? spki : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>ECDSA P-256 / SHA-256, IEEE P1363 (<c>r‖s</c>, 64 bytes, what WebCrypto produces).</summary>
    public static bool VerifySignature(byte[] spki, string message, string signature)
    {
        try
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(signature);
            if (bytes.Length != 64)
                return false;
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out _);
            return key.VerifyData(Encoding.UTF8.GetBytes(message), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

}
