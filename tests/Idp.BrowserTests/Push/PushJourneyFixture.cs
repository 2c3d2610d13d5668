using Idp.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Push;

/// <summary>
/// Journey 5's three apps: Idp on Kestrel (the harness), <c>samples/Portal</c> (<see cref="PortalHost"/>) and
/// <c>samples/Authenticator</c> as a process of its own on a localhost port, as <c>./run.sh</c> starts it; and one
/// Chromium. Idp allows the authenticator's origin for the device API.
/// </summary>
public sealed class PushJourneyFixture : IAsyncLifetime
{
    private readonly int _authenticatorPort = SampleProcess.FreePort();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PushJourneyFixture()
    {
        Host
            .WithSetting("Idp:Push:AllowedOrigins:0", AuthenticatorUrl)
            .WithSetting("Idp:Push:AuthenticatorUrl", AuthenticatorUrl);
    }

    public IdpHost Host { get; } = new();

    public string PortalUrl => Host.PortalUrl;

    public string AuthenticatorUrl => $"http://localhost:{_authenticatorPort}";

    public PortalHost? Portal { get; private set; }

    public SampleProcess? Authenticator { get; private set; }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.SkipReason);

    public async Task InitializeAsync()
    {
        if (!Chromium.IsInstalled)
            return;
        Host.Start();
        Portal = new PortalHost(Host).Start();
        Authenticator = await SampleProcess.StartAsync("Authenticator", _authenticatorPort, new Dictionary<string, string>
        {
            ["Authenticator__IdpUrl"] = Host.BaseUrl,
        });
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    /// <summary>A fresh browser context (own cookies, own IndexedDB) and page, recording screenshots of its steps.</summary>
    public Task<BrowserSession> NewSessionAsync(string name) => BrowserSession.OpenAsync(Browser, Host, name);

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        if (Portal is not null)
            await Portal.DisposeAsync();
        if (Authenticator is not null)
            await Authenticator.DisposeAsync();
        await Host.DisposeAsync();
    }
}
