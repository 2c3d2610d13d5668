using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Idp.UnitTests.Localization;

/// <summary>
/// Every text of Idp and the admin area exists in each language (en, de, nl). The reference for a resource is its
/// base file (English); the admin area has none (its English text is the key), so there the German file is.
/// </summary>
public sealed partial class ResourceParityTests
{
    public static readonly string[] Translations = ["de", "nl"];

    private static readonly string[] ResourceFolders = [Path.Combine("src", "Idp.Core", "Resources"), Path.Combine("src", "Idp.Admin", "Resources")];

    /// <summary>(folder, resource name, culture) for every resource and translation.</summary>
    public static TheoryData<string, string, string> Resources()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var folder in ResourceFolders)
        {
            var names = Directory.GetFiles(RepositoryFiles.PathOf(folder), "*.resx")
                .Select(f => Path.GetFileName(f).Split('.')[0]).Distinct().Order();
            foreach (var name in names)
                foreach (var culture in Translations)
                    data.Add(folder, name, culture);
        }
        return data;
    }

    [Fact]
    public void Resources_AreFoundForIdpAndTheAdminArea()
    {
        var names = Resources().Select(row => (string)row[1]).ToHashSet();

        Assert.Superset(new HashSet<string> { "SharedResource", "HelpdeskResource", "AdminResource" }, names);
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public void Translation_HasExactlyTheKeysOfTheReference(string folder, string name, string culture)
    {
        var reference = Load(folder, ReferenceFile(folder, name));
        var translationFile = Path.Combine(RepositoryFiles.PathOf(folder), $"{name}.{culture}.resx");
        Assert.True(File.Exists(translationFile), $"{name}.{culture}.resx is missing in {folder}.");
        var translation = Load(folder, translationFile);

        var missing = reference.Keys.Except(translation.Keys).Order().ToList();
        var extra = translation.Keys.Except(reference.Keys).Order().ToList();

        Assert.True(missing.Count == 0, $"{name}.{culture}.resx lacks: {string.Join(" | ", missing)}");
        Assert.True(extra.Count == 0, $"{name}.{culture}.resx has keys the reference does not: {string.Join(" | ", extra)}");
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public void Translation_HasNoEmptyText(string folder, string name, string culture)
    {
        var translation = Load(folder, Path.Combine(RepositoryFiles.PathOf(folder), $"{name}.{culture}.resx"));

        var empty = translation.Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => t.Key).Order().ToList();

        Assert.True(empty.Count == 0, $"{name}.{culture}.resx has empty texts: {string.Join(" | ", empty)}");
    }

    /// <summary>A translation with other placeholders than the English text would show the wrong value or fail to format.</summary>
    [Theory]
    [MemberData(nameof(Resources))]
    public void Translation_KeepsThePlaceholdersOfTheEnglishText(string folder, string name, string culture)
    {
        var english = EnglishTexts(folder, name);
        var translation = Load(folder, Path.Combine(RepositoryFiles.PathOf(folder), $"{name}.{culture}.resx"));

        var differing = translation
            .Where(t => english.TryGetValue(t.Key, out var text) && !Placeholders(text).SetEquals(Placeholders(t.Value)))
            .Select(t => t.Key).Order().ToList();

        Assert.True(differing.Count == 0, $"{name}.{culture}.resx changes the placeholders of: {string.Join(" | ", differing)}");
    }

    private static string ReferenceFile(string folder, string name)
    {
        var baseFile = Path.Combine(RepositoryFiles.PathOf(folder), $"{name}.resx");
        return File.Exists(baseFile) ? baseFile : Path.Combine(RepositoryFiles.PathOf(folder), $"{name}.de.resx");
    }

    /// <summary>The English texts: the base file's values, or the keys where the English text is the key.</summary>
    private static Dictionary<string, string> EnglishTexts(string folder, string name)
    {
        var baseFile = Path.Combine(RepositoryFiles.PathOf(folder), $"{name}.resx");
        return File.Exists(baseFile)
            ? Load(folder, baseFile)
            : Load(folder, ReferenceFile(folder, name)).Keys.ToDictionary(k => k, k => k);
    }

    private static Dictionary<string, string> Load(string folder, string file)
    {
        var data = XDocument.Load(file).Root!.Elements("data").ToList();
        // Case-insensitive, as the build compares them: of "Four-eyes" and "four-eyes" it keeps the first and drops the
        // other with a warning, so the page asking for the second showed its English key in German and Dutch.
        var duplicates = data.GroupBy(d => (string)d.Attribute("name")!, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(d => (string)d.Attribute("name")!))).ToList();
        Assert.True(duplicates.Count == 0, $"{Path.GetFileName(file)} in {folder} has duplicate keys: {string.Join(" | ", duplicates)}");
        return data.ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");
    }

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
