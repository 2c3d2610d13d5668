using System.Text.Json;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// axe-core (npm, installed by <c>npm ci --prefix tests/Idp.BrowserTests</c>; <c>./test.sh</c> does it) run inside
/// the page for WCAG 2.1 A and AA. The script is evaluated through the DevTools protocol, which the page's CSP
/// (<c>script-src 'self'</c>) does not govern, so the CSP stays on while the page is checked.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var file = System.IO.Path.Combine(RepositoryRoot.BrowserTests, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(file))
            throw new InvalidOperationException($"{file} is missing: run 'npm ci --prefix tests/Idp.BrowserTests' (./test.sh does it).");
        return File.ReadAllText(file);
    });

    private const string Run = """
        async () => {
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return JSON.stringify(result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)
          })));
        }
        """;

    /// <summary>Fails with a readable list when the page has a serious or critical WCAG 2.1 AA violation.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string pageName)
    {
        var serious = (await RunAsync(page)).Where(v => v.Impact is "serious" or "critical").ToList();
        if (serious.Count > 0)
        {
            var lines = serious.Select(v => $"- {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes));
            Assert.Fail($"axe-core: {serious.Count} serious/critical WCAG 2.1 AA violation(s) on {pageName} ({page.Url}):\n{string.Join("\n", lines)}");
        }
    }

    /// <summary>Every WCAG 2.1 A/AA violation axe-core finds on the page as it is now.</summary>
    public static async Task<IReadOnlyList<Violation>> RunAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.EvaluateAsync(Source.Value);
        var json = await page.EvaluateAsync<string>(Run);
        return JsonSerializer.Deserialize<List<Violation>>(json, JsonSerializerOptions.Web) ?? [];
    }

    public sealed record Violation(string Id, string? Impact, string Help, List<string> Nodes);
}
