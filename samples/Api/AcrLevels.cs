namespace Api;

/// <summary>Idp's authentication levels (<c>acr</c>), lowest first; a higher level satisfies a demand for a lower one.</summary>
public static class AcrLevels
{
    public const string Password = "urn:idp:acr:pwd";
    public const string SecondFactor = "urn:idp:acr:mfa";
    public const string PhishingResistant = "urn:idp:acr:phr";

    public static readonly IReadOnlyList<string> Ordered = [Password, SecondFactor, PhishingResistant];

    /// <summary>The position of a known level; null for anything else (which then satisfies nothing).</summary>
    public static int? Rank(string? acr)
    {
        for (var i = 0; i < Ordered.Count; i++)
        {
            if (string.Equals(Ordered[i], acr, StringComparison.Ordinal))
                return i;
        }

        return null;
    }

    public static bool Satisfies(string? actual, string required) =>
        Rank(actual) is { } have && Rank(required) is { } need && have >= need;
}
