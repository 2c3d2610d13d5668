using System.Security.Cryptography;
using System.Text;

namespace Idp.Security;

/// <summary>Hashes and random values for high-entropy secrets (codes, tokens, client secrets).</summary>
public static class Hashing
{
    /// <summary>A new random value of <paramref name="bytes"/> bytes, base64url.</summary>
    public static string RandomToken(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>
    /// SHA-256, base64url. Right for values with at least 128 bits of entropy, which a slow password hash
    /// would only make slower to check, not harder to guess.
    /// </summary>
    public static string Sha256(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Base64Url(hash);
    }

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    public static string Base64Url(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
