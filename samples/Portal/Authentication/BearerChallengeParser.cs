using System.Globalization;
using System.Text;

namespace Portal.Authentication;

/// <summary>A <c>Bearer</c> challenge from a resource server (RFC 6750 §3, RFC 9470 §3).</summary>
public sealed record BearerChallenge(string? Error, string? ErrorDescription, string? AcrValues, int? MaxAgeSeconds)
{
    public const string InsufficientUserAuthentication = "insufficient_user_authentication";

    public bool IsInsufficientUserAuthentication => Error == InsufficientUserAuthentication;

    public StepUpRequest StepUp => new(AcrValues, MaxAgeSeconds);
}

/// <summary>
/// Reads the <c>Bearer</c> challenge out of <c>WWW-Authenticate</c> values (RFC 9110 §11.6.1: challenges and their
/// auth-params, separated by commas; values are tokens or quoted strings with backslash escapes).
/// </summary>
public static class BearerChallengeParser
{
    /// <returns>The first Bearer challenge's parameters; null when there is none.</returns>
    public static BearerChallenge? Parse(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            if (Parse(value) is { } challenge)
                return challenge;
        }

        return null;
    }

    public static BearerChallenge? Parse(string header)
    {
        Dictionary<string, string>? bearer = null;
        Dictionary<string, string>? current = null;
        var position = 0;
        while (true)
        {
            SkipSeparators(header, ref position);
            var name = ReadToken(header, ref position);
            if (name.Length == 0)
                break;

            SkipSpaces(header, ref position);
            if (position < header.Length && header[position] == '=' && !IsToken68Padding(header, position))
            {
                position++;
                SkipSpaces(header, ref position);
                var value = position < header.Length && header[position] == '"' ? ReadQuoted(header, ref position) : ReadToken(header, ref position);
                current?.TryAdd(name.ToLowerInvariant(), value);
            }
            else
            {
                // A new challenge begins with its scheme; only Bearer's parameters are kept.
                if (bearer is not null)
                    break;
                current = string.Equals(name, "Bearer", StringComparison.OrdinalIgnoreCase) ? bearer = new(StringComparer.Ordinal) : null;
            }
        }

        if (bearer is null)
            return null;

        int? maxAge = int.TryParse(bearer.GetValueOrDefault("max_age"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        return new BearerChallenge(
            bearer.GetValueOrDefault("error"),
            bearer.GetValueOrDefault("error_description"),
            bearer.GetValueOrDefault("acr_values") is { Length: > 0 } acr ? acr : null,
            maxAge);
    }

    /// <summary>"x==" after a scheme is token68, not a parameter; a parameter's '=' is followed by a value.</summary>
    private static bool IsToken68Padding(string header, int position) =>
        position + 1 < header.Length && header[position + 1] == '=';

    private static void SkipSeparators(string header, ref int position)
    {
        while (position < header.Length && (header[position] is ',' or ' ' or '\t'))
            position++;
    }

    private static void SkipSpaces(string header, ref int position)
    {
        while (position < header.Length && (header[position] is ' ' or '\t'))
            position++;
    }

    private static string ReadToken(string header, ref int position)
    {
        var start = position;
        while (position < header.Length && IsTokenChar(header[position]))
            position++;
        return header[start..position];
    }

    private static string ReadQuoted(string header, ref int position)
    {
        var value = new StringBuilder();
        position++; // opening quote
        while (position < header.Length && header[position] != '"')
        {
            if (header[position] == '\\' && position + 1 < header.Length)
                position++;
            value.Append(header[position++]);
        }

        position++; // closing quote
        return value.ToString();
    }

    /// <summary>RFC 9110 §5.6.2 tchar.</summary>
    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
