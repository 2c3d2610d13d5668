namespace Api.BankDetails;

/// <summary>ISO 13616 IBAN: country code, two check digits, up to 30 letters or digits; mod-97 of the rearranged number is 1.</summary>
public static class Iban
{
    /// <returns>The IBAN without spaces, upper case; null when it is not a valid IBAN.</returns>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;

        var iban = string.Concat(value.Where(c => c != ' ')).ToUpperInvariant();
        if (iban.Length is < 15 or > 34 || !char.IsAsciiLetterUpper(iban[0]) || !char.IsAsciiLetterUpper(iban[1])
            || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3]) || !iban.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            var digits = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = digits >= 10 ? (remainder * 100 + digits) % 97 : (remainder * 10 + digits) % 97;
        }

        return remainder == 1 ? iban : null;
    }
}
