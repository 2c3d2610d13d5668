using Idp.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Push;

/// <summary>
/// Journey 5's three apps: Idp on Kestrel (the harness), <c>samples/Portal</c> and <c>samples/Authenticator</c> as
/// processes of their own on localhost ports, as <c>./run.sh</c> starts them; and one Chromium. The portal is a client
/// of Idp with its real redirect URI; Idp allows the authenticator's origin for the device API.
/// </summary>
public sealed class PushJourneyFixture : IAsyncLifetime
{
    public const string PortalClientId = "push-portal";
    public const string PortalSecret = "push-portal-secret-for-browser-tests";

    private readonly int _portalPort = SampleProcess.FreePort();
    private readonly int _authenticatorPort = SampleProcess.FreePort();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PushJourneyFixture()
    {
        Host
            .WithSetting("Idp:Clients:2:ClientId", PortalClientId)
            .WithSetting("Idp:Clients:2:DisplayName", "Demo Portal")
            .WithSetting("Idp:Clients:2:Secret", PortalSecret)
            .WithSetting("Idp:Clients:2:RedirectUris:0", PortalUrl + "/signin-idp")
            .WithSetting("Idp:Clients:2:PostLogoutRedirectUris:0", PortalUrl + "/signed-out")
            .WithSetting("Idp:Clients:2:ThirdParty", "false")
            .WithSetting("Idp:Push:AllowedOrigins:0", AuthenticatorUrl)
            .WithSetting("Idp:Push:AuthenticatorUrl", AuthenticatorUrl);
    }

    public IdpHost Host { get; } = new();

    public string PortalUrl => $"http://localhost:{_portalPort}";

    public string AuthenticatorUrl => $"http://localhost:{_authenticatorPort}";

    public SampleProcess? Portal { get; private set; }

    public SampleProcess? Authenticator { get; private set; }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.SkipReason);

    public async Task InitializeAsync()
    {
        if (!Chromium.IsInstalled)
            return;
        Host.Start();
        Portal = await SampleProcess.StartAsync("Portal", _portalPort, new Dictionary<string, string>
        {
            ["Portal__Authority"] = Host.BaseUrl,
            ["Portal__ClientId"] = PortalClientId,
            ["Portal__ClientSecret"] = PortalSecret,
            ["Portal__ApiBaseUrl"] = "http://localhost:9",
        });
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
