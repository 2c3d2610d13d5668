using Microsoft.Playwright;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>One Idp host and one Chromium per test class (<c>IClassFixture&lt;BrowserHostFixture&gt;</c>); each test opens its own context.</summary>
public sealed class BrowserHostFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IdpHost Host { get; } = new();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.SkipReason);

    public async Task InitializeAsync()
    {
        Host.Start();
        if (!Chromium.IsInstalled)
            return;
        // The package would otherwise look for (and offer to download) its own browsers.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>
    /// A fresh browser context (own cookies) and page for one test, recording screenshots of its steps;
    /// <paramref name="javaScript"/> false: a browser without JavaScript (the pages must work by plain form posts).
    /// </summary>
    public async Task<BrowserSession> NewSessionAsync(string testName, bool javaScript = true) =>
        await BrowserSession.OpenAsync(Browser, Host, testName, javaScript);

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
    }
}
