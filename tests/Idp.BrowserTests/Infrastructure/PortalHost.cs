extern alias PortalApp;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// samples/Portal on Kestrel at <see cref="IdpHost.PortalUrl"/>, signing in through the <see cref="IdpHost"/> beside it
/// (its authority). The bank-details service is not started: the tests use the pages that do not call it.
/// </summary>
public sealed class PortalHost : WebApplicationFactory<PortalApp::Program>
{
    public const string ClientId = "demo-portal";
    public const string ClientSecret = "browser-test-portal-secret-0123456789";

    private readonly IdpHost _idp;
    private readonly (string Key, string Value)[] _settings;

    /// <param name="settings">further portal settings, e.g. <c>("Portal:UseDPoP", "true")</c>.</param>
    public PortalHost(IdpHost idp, params (string Key, string Value)[] settings)
    {
        _idp = idp;
        _settings = settings;
        UseKestrel();
    }

    public string BaseUrl => _idp.PortalUrl;

    public PortalHost Start()
    {
        StartServer();
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Kestrel:Endpoints:Http:Url", BaseUrl);
        builder.UseSetting("Portal:Authority", _idp.BaseUrl);
        builder.UseSetting("Portal:ClientId", ClientId);
        builder.UseSetting("Portal:ClientSecret", ClientSecret);
        builder.UseSetting("Portal:ApiBaseUrl", "http://localhost:9");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
    }
}
