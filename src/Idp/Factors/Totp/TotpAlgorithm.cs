using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Idp.Factors.Totp;

/// <summary>
/// RFC 6238 TOTP with HMAC-SHA-1 (RFC 4226 §5.3 dynamic truncation), T0 = 0. Our own rather than Identity's
/// <c>AuthenticatorTokenProvider</c>, which accepts ±2 steps and knows no replay.
/// </summary>
public static class TotpAlgorithm
{
    public const int SecretBytes = 20;
    public const int Digits = 6;
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    /// <summary>A new 160-bit secret from the CSPRNG (RFC 4226 §4 R6 recommends 160 bits).</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Period.TotalSeconds;

    public static string Compute(ReadOnlySpan<byte> key, long step, int digits = Digits)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    public static string Compute(ReadOnlySpan<byte> key, DateTimeOffset time, int digits = Digits) => Compute(key, StepAt(time), digits);

    /// <summary>
    /// The step within ±<paramref name="window"/> of <paramref name="now"/> whose code is <paramref name="code"/>, or null.
    /// Every candidate is compared in constant time and the loop never stops early. The newest matching step wins.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string code, DateTimeOffset now, int window)
    {
        var normalized = Normalize(code);
        var given = Encoding.ASCII.GetBytes(normalized ?? new string('x', Digits));
        var current = StepAt(now);
        long? match = null;
        for (var step = current - window; step <= current + window; step++)
        {
            var expected = Encoding.ASCII.GetBytes(Compute(key, step));
            if (CryptographicOperations.FixedTimeEquals(expected, given) && normalized is not null)
                match = step;
        }
        return match;
    }

    /// <summary>The code without spaces, or null unless it is exactly six digits.</summary>
    public static string? Normalize(string? code)
    {
        if (code is null)
            return null;
        var trimmed = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return trimmed.Length == Digits && trimmed.All(char.IsAsciiDigit) ? trimmed : null;
    }
}
