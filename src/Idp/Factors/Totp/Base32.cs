namespace Idp.Factors.Totp;

/// <summary>RFC 4648 §6 Base32 (upper case, no padding on output; padding, spaces and case ignored on input).</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var output = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            output.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return output.ToString();
    }

    /// <summary>Decodes, or returns null when the text holds a character outside the alphabet.</summary>
    public static byte[]? Decode(string text)
    {
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var raw in text)
        {
            if (raw is ' ' or '-' or '=')
                continue;
            var index = Alphabet.IndexOf(char.ToUpperInvariant(raw));
            if (index < 0)
                return null;
            buffer = (buffer << 5) | index;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }

    /// <summary>The secret as users type it: groups of four ("JBSW Y3DP …").</summary>
    public static string Grouped(string encoded) =>
        string.Join(' ', encoded.Chunk(4).Select(c => new string(c)));
}
