using System.Text.RegularExpressions;

namespace Idp.UnitTests.Localization;

/// <summary>
/// The companion authenticator's texts (samples/Authenticator/wwwroot/js/i18n.js, and i18n-codes.js for the TOTP side,
/// merged into the same blocks) exist in every language.
/// </summary>
public sealed partial class AuthenticatorTextsTests
{
    private static readonly string[] I18nFiles =
    [
        RepositoryFiles.PathOf("samples", "Authenticator", "wwwroot", "js", "i18n.js"),
        RepositoryFiles.PathOf("samples", "Authenticator", "wwwroot", "js", "i18n-codes.js"),
    ];

    [Theory]
    [InlineData("de")]
    [InlineData("nl")]
    public void Authenticator_EveryEnglishText_ExistsInTheLanguage(string language)
    {
        var blocks = Blocks();
        Assert.True(blocks.ContainsKey(language), $"i18n.js has no '{language}' block.");

        var missing = blocks["en"].Keys.Except(blocks[language].Keys).Order().ToList();
        var extra = blocks[language].Keys.Except(blocks["en"].Keys).Order().ToList();

        Assert.True(missing.Count == 0, $"i18n.js '{language}' lacks: {string.Join(" | ", missing)}");
        Assert.True(extra.Count == 0, $"i18n.js '{language}' has keys English does not: {string.Join(" | ", extra)}");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("nl")]
    public void Authenticator_Texts_AreNotEmpty(string language)
    {
        var empty = Blocks()[language].Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => t.Key).ToList();

        Assert.True(empty.Count == 0, $"i18n.js '{language}' has empty texts: {string.Join(" | ", empty)}");
    }

    [Fact]
    public void Authenticator_LanguageSwitch_GoesRoundEveryLanguage()
    {
        var blocks = Blocks();

        var next = blocks.ToDictionary(b => b.Key, b => b.Value["lang.tag"]);
        var visited = new List<string>();
        for (var language = "en"; !visited.Contains(language); language = next[language])
            visited.Add(language);

        Assert.Equal(["de", "en", "nl"], visited.Order());
        Assert.Equal(blocks.Keys.Order(), visited.Order());
    }

    /// <summary>
    /// The blocks of <c>var texts = { de: { 'key': 'text', … }, en: { … } }</c>, read line by line (a language's blocks in
    /// both files merged, a key in both counts as repeated): the files keep one
    /// text a line in single quotes, which is all this needs.
    /// </summary>
    private static Dictionary<string, Dictionary<string, string>> Blocks()
    {
        var blocks = new Dictionary<string, Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in I18nFiles.SelectMany(File.ReadLines))
        {
            if (BlockStart().Match(line) is { Success: true } start)
                current = blocks.TryGetValue(start.Groups[1].Value, out var block) ? block : blocks[start.Groups[1].Value] = [];
            else if (current is not null && Entry().Match(line) is { Success: true } entry)
            {
                Assert.True(current.TryAdd(entry.Groups[1].Value, entry.Groups[2].Value), $"i18n.js repeats '{entry.Groups[1].Value}'.");
            }
            else if (current is not null && BlockEnd().IsMatch(line))
                current = null;
        }
        Assert.True(blocks.ContainsKey("en"), "i18n.js has no 'en' block.");
        return blocks;
    }

    [GeneratedRegex(@"^\s*([a-z]{2}):\s*\{\s*$")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"^\s*'([^']+)':\s*'((?:[^'\\]|\\.)*)',?\s*$")]
    private static partial Regex Entry();

    [GeneratedRegex(@"^\s*\},?\s*$")]
    private static partial Regex BlockEnd();
}
