using System.Security.Cryptography;
using OtpNet;

namespace Idp.Factors.Totp;

/// <summary>
/// RFC 6238 TOTP with HMAC-SHA-1, 6 digits, 30 s, T0 = 0, computed by Otp.NET. Ours rather than Identity's
/// <c>AuthenticatorTokenProvider</c>, which accepts ±2 steps and knows no replay: the window comes from configuration and
/// the matched step goes to the caller's atomic replay check (<see cref="TotpAuthenticators"/>). Time is always passed
/// in (from <see cref="TimeProvider"/>), never read by the library.
/// </summary>
public static class TotpAlgorithm
{
    public const int SecretBytes = 20;
    public const int Digits = 6;
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);
    private static readonly int PeriodSeconds = (int)Period.TotalSeconds;

    /// <summary>A new 160-bit secret from the CSPRNG (RFC 4226 §4 R6 recommends 160 bits).</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / PeriodSeconds;

    public static string Compute(ReadOnlySpan<byte> key, DateTimeOffset time, int digits = Digits) =>
        WithTotp(key, digits, totp => totp.ComputeTotp(time.UtcDateTime));

    public static string Compute(ReadOnlySpan<byte> key, long step, int digits = Digits) =>
        Compute(key, DateTimeOffset.FromUnixTimeSeconds(step * PeriodSeconds), digits);

    /// <summary>
    /// The step within ±<paramref name="window"/> of <paramref name="now"/> whose code is <paramref name="code"/>, or null.
    /// Otp.NET tries the current step first, then the earlier ones, then the later ones, comparing in constant time.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string code, DateTimeOffset now, int window)
    {
        var normalized = Normalize(code);
        if (normalized is null)
            return null;
        return WithTotp(key, Digits, totp =>
            totp.VerifyTotp(now.UtcDateTime, normalized, out var step, new VerificationWindow(previous: window, future: window))
                ? step
                : (long?)null);
    }

    /// <summary>The code without spaces or dashes, or null unless it is exactly six digits.</summary>
    public static string? Normalize(string? code)
    {
        if (code is null)
            return null;
        var trimmed = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return trimmed.Length == Digits && trimmed.All(char.IsAsciiDigit) ? trimmed : null;
    }

    // Otp.NET wants its own array; ours is wiped after use so the secret lives no longer than the call.
    private static T WithTotp<T>(ReadOnlySpan<byte> key, int digits, Func<OtpNet.Totp, T> use)
    {
        var copy = key.ToArray();
        try
        {
            return use(new OtpNet.Totp(copy, PeriodSeconds, OtpHashMode.Sha1, digits));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }
}
