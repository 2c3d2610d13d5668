using OtpNet;

namespace Idp.Factors.Totp;

/// <summary>
/// RFC 4648 §6 Base32 through Otp.NET's <see cref="Base32Encoding"/>: upper case without padding on output; padding,
/// spaces, dashes and case ignored on input.
/// </summary>
public static class Base32
{
    public static string Encode(ReadOnlySpan<byte> data) =>
        data.IsEmpty ? "" : Base32Encoding.ToString(data.ToArray()).TrimEnd('=');

    /// <summary>Decodes, or returns null when the text holds a character outside the alphabet.</summary>
    public static byte[]? Decode(string text)
    {
        // Otp.NET refuses spaces and dashes (we group the secret for people to type) and an empty string.
        var compact = text.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (compact.TrimEnd('=').Length == 0)
            return [];
        try
        {
            return Base32Encoding.ToBytes(compact);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The secret as users type it: groups of four ("JBSW Y3DP …").</summary>
    public static string Grouped(string encoded) =>
        string.Join(' ', encoded.Chunk(4).Select(c => new string(c)));
}
