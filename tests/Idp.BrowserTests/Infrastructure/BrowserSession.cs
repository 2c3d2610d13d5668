using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// One test's browser context and page. <see cref="StepAsync"/> takes a screenshot of each step; they are written
/// to <c>TestResults/browser-screenshots/{test}/</c> only when the test fails (<see cref="RunAsync"/>).
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    private readonly List<(string Name, byte[] Png)> _screenshots = [];
    private readonly List<string> _consoleErrors = [];
    private readonly string _testName;

    private BrowserSession(IBrowserContext context, IPage page, IdpHost host, string testName)
    {
        Context = context;
        Page = page;
        Host = host;
        _testName = testName;
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
                _consoleErrors.Add($"HTTP {response.Status} for {response.Url}");
        };
        page.PageError += (_, error) => _consoleErrors.Add("Uncaught: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                _consoleErrors.Add($"{message.Text} ({message.Location})");
        };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public IdpHost Host { get; }

    /// <summary>Errors the pages wrote to the console (a CSP violation shows up here).</summary>
    public IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    /// <summary>Fails, listing them, if a page logged an error to the console or a response had a 4xx/5xx status.</summary>
    public void AssertNoErrors() =>
        Assert.True(_consoleErrors.Count == 0, "Errors in the browser:\n" + string.Join("\n", _consoleErrors));

    internal static async Task<BrowserSession> OpenAsync(IBrowser browser, IdpHost host, string testName, bool javaScript = true)
    {
        var context = await browser.NewContextAsync(new()
        {
            Locale = "en-US",
            ViewportSize = new() { Width = 1024, Height = 768 },
            JavaScriptEnabled = javaScript,
        });
        // Generous: CI machines have two cores shared with the server under test.
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page, host, testName);
    }

    /// <summary>Records a screenshot of the page as it is now, named for the step.</summary>
    public async Task StepAsync(string name)
    {
        var png = await Page.ScreenshotAsync(new() { FullPage = true });
        _screenshots.Add(($"{_screenshots.Count + 1:00}-{name}", png));
    }

    /// <summary>Runs the test's body; on failure writes the screenshots of every step (and of the last page) and rethrows.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            try { await StepAsync("failure"); } catch (PlaywrightException) { }
            WriteScreenshots();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void WriteScreenshots()
    {
        var folder = Path.Combine(RepositoryRoot.TestResults, "browser-screenshots", Unsafe().Replace(_testName, "_"));
        Directory.CreateDirectory(folder);
        foreach (var (name, png) in _screenshots)
            File.WriteAllBytes(Path.Combine(folder, name + ".png"), png);
        File.WriteAllText(Path.Combine(folder, "last-url.txt"), Page.Url);
        File.WriteAllLines(Path.Combine(folder, "browser-errors.txt"), _consoleErrors);
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Unsafe();
}

/// <summary>Folders of the repository, found from the test assembly's location (the folder holding <c>Idp.sln</c>).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string TestResults => System.IO.Path.Combine(Path, "TestResults");

    public static string BrowserTests => System.IO.Path.Combine(Path, "tests", "Idp.BrowserTests");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Idp.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Idp.sln above {AppContext.BaseDirectory}.");
    }
}
