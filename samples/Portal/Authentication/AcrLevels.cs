namespace Portal.Authentication;

/// <summary>Idp's authentication levels (<c>acr</c>), lowest first; a higher level satisfies a demand for a lower one.</summary>
public static class AcrLevels
{
    public const string Password = "urn:idp:acr:pwd";
    public const string SecondFactor = "urn:idp:acr:mfa";
    public const string PhishingResistant = "urn:idp:acr:phr";

    public static readonly IReadOnlyList<string> Ordered = [Password, SecondFactor, PhishingResistant];

    /// <summary>
    /// True when <paramref name="actual"/> satisfies one of the space-separated <paramref name="acrValues"/>
    /// (RFC 9470 §3 / OpenID Connect Core §3.1.2.1): the same value, or a known level at least as high.
    /// </summary>
    public static bool Satisfies(string? actual, string? acrValues)
    {
        if (string.IsNullOrWhiteSpace(acrValues))
            return true;
        if (string.IsNullOrEmpty(actual))
            return false;

        var have = Rank(actual);
        foreach (var wanted in acrValues.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(actual, wanted, StringComparison.Ordinal) || (have is { } h && Rank(wanted) is { } w && h >= w))
                return true;
        }

        return false;
    }

    private static int? Rank(string acr)
    {
        for (var i = 0; i < Ordered.Count; i++)
        {
            if (string.Equals(Ordered[i], acr, StringComparison.Ordinal))
                return i;
        }

        return null;
    }
}
