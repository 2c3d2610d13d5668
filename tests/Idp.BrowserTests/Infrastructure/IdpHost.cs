using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Idp.Data.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idp.BrowserTests.Infrastructure;

/// <summary>
/// The real Idp on Kestrel at <c>http://localhost:{free port}</c> (loopback only) (a browser cannot reach the in-memory test server),
/// on a fresh SQLite file, environment <c>Testing</c>, issuer = <see cref="BaseUrl"/>, the real clock (the browser and
/// the TOTP codes the tests compute live in real time), jobs off. One public client <see cref="ClientId"/> whose redirect
/// URI is <see cref="CallbackUrl"/>, a page this host serves itself: it shows the query it got (<c>#callback-query</c>).
/// </summary>
public sealed class IdpHost : WebApplicationFactory<Program>
{
    public const string ClientId = "portal";
    public const string ThirdPartyClientId = "thirdparty";
    public const string CallbackPath = "/test-callback";
    public const string Password = "correct horse battery staple";

    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "idp-browser-tests", Guid.NewGuid().ToString("N"));

    public IdpHost()
    {
        Port = FreePort();
        OtherPort = FreePort();
        PortalPort = FreePort();
        // localhost, not 127.0.0.1: WebAuthn refuses an IP address as relying-party id; Chromium resolves localhost
        // itself to the loopback addresses that Kestrel listens on.
        BaseUrl = $"http://localhost:{Port}";
        Directory.CreateDirectory(_folder);
        var database = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "idp.db") }.ToString();

        _settings["Idp:Issuer"] = BaseUrl;
        _settings["Idp:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _settings["Idp:Database:Provider"] = "Sqlite";
        _settings["Idp:Database:ConnectionString"] = database;
        _settings["Idp:SeedDemoData"] = "false";
        _settings["Idp:Jobs:Enabled"] = "false";
        _settings["Idp:Accounts:RequireConfirmedEmail"] = "false";
        _settings["Idp:Mfa:GraceSignIns"] = "1";
        AddClient(0, ClientId, "Test portal", thirdParty: false);
        AddClient(1, ThirdPartyClientId, "Third-party app", thirdParty: true);
        // samples/Portal (PortalHost), a confidential client with refresh tokens.
        _settings["Idp:Clients:2:ClientId"] = PortalHost.ClientId;
        _settings["Idp:Clients:2:DisplayName"] = "Demo Portal";
        _settings["Idp:Clients:2:Secret"] = PortalHost.ClientSecret;
        _settings["Idp:Clients:2:RedirectUris:0"] = PortalUrl + "/signin-idp";
        _settings["Idp:Clients:2:PostLogoutRedirectUris:0"] = PortalUrl + "/signed-out";
        _settings["Idp:Clients:2:AllowedGrantTypes:0"] = "authorization_code";
        _settings["Idp:Clients:2:AllowedGrantTypes:1"] = "refresh_token";
        _settings["Idp:Clients:2:AllowedScopes:0"] = "openid";
        _settings["Idp:Clients:2:AllowedScopes:1"] = "profile";
        _settings["Idp:Clients:2:AllowedScopes:2"] = "email";
        _settings["Idp:Clients:2:AllowedScopes:3"] = "offline_access";

        UseKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(Port);
            kestrel.ListenLocalhost(OtherPort);
        });
    }

    public int Port { get; }

    /// <summary>The port <see cref="PortalHost"/> listens on (registered here as the portal's redirect URI).</summary>
    public int PortalPort { get; }

    public string PortalUrl => $"http://localhost:{PortalPort}";

    /// <summary>A second port of the same host: <see cref="OtherOrigin"/> is not among the passkey origins.</summary>
    public int OtherPort { get; }

    /// <summary><c>http://localhost:{other port}</c>: the same relying-party id and cookies, an origin Idp does not accept.</summary>
    public string OtherOrigin => $"http://localhost:{OtherPort}";

    /// <summary>The app's clock: real time, moved forward by <see cref="ShiftedClock.Offset"/> (e.g. past a challenge's lifetime).</summary>
    public ShiftedClock Clock { get; } = new();

    /// <summary><c>http://localhost:{port}</c>, also the issuer.</summary>
    public string BaseUrl { get; }

    public string CallbackUrl => BaseUrl + CallbackPath;

    /// <summary>Sets a configuration value before <see cref="Start"/> (<c>"Idp:Push:AllowedOrigins:0"</c>, …).</summary>
    public IdpHost WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>A configuration value as set for the host (e.g. the database and key-encryption key the admin area shares).</summary>
    public string? Setting(string key) => _settings.GetValueOrDefault(key);

    /// <summary>Starts Kestrel now; configuration is fixed from here on.</summary>
    public IdpHost Start()
    {
        StartServer();
        return this;
    }

    /// <summary>A confirmed user made directly through Identity: account number (user name) random, password <see cref="Password"/>.</summary>
    public async Task<IdpUser> CreateUserAsync(Action<IdpUser>? configure = null)
    {
        var account = (1_000_000_000L + RandomNumberGenerator.GetInt32(int.MaxValue)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var user = new IdpUser
        {
            UserName = account,
            AccountNumber = account,
            Email = $"{account}@example.test",
            EmailConfirmed = true,
            GivenName = "Erika",
            FamilyName = "Mustermann",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        configure?.Invoke(user);
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserManager<IdpUser>>().CreateAsync(user, Password);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Creating test user failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        return user;
    }

    /// <summary>An authorization request URL for <paramref name="clientId"/> (PKCE with a fixed verifier: the tests stop at the code).</summary>
    public string AuthorizeUrl(string clientId = ClientId, string? extra = null)
    {
        var challenge = Base64Url(SHA256.HashData("browser-test-verifier-0123456789-0123456789-abc"u8));
        var state = Guid.NewGuid().ToString("N");
        return $"{BaseUrl}{Idp.Protocol.EndpointPaths.Authorize}?client_id={clientId}&response_type=code&scope=openid%20profile"
            + $"&redirect_uri={Uri.EscapeDataString(CallbackUrl)}&state={state}&nonce={state}"
            + $"&code_challenge={challenge}&code_challenge_method=S256{extra}";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.Configure<PasswordHasherOptions>(hasher => hasher.IterationCount = 1_000);
            services.AddSingleton<IStartupFilter, CallbackStartupFilter>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private void AddClient(int index, string clientId, string name, bool thirdParty)
    {
        var prefix = $"Idp:Clients:{index}";
        _settings[$"{prefix}:ClientId"] = clientId;
        _settings[$"{prefix}:DisplayName"] = name;
        _settings[$"{prefix}:RedirectUris:0"] = CallbackUrl;
        _settings[$"{prefix}:PostLogoutRedirectUris:0"] = BaseUrl + "/";
        _settings[$"{prefix}:ThirdParty"] = thirdParty ? "true" : "false";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Serves <see cref="CallbackPath"/> in front of the app: a minimal page showing the query (the "portal").</summary>
    private sealed class CallbackStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path != CallbackPath)
                {
                    await nextMiddleware(context);
                    return;
                }
                context.Response.ContentType = "text/html; charset=utf-8";
                var query = WebUtility.HtmlEncode(context.Request.QueryString.Value ?? "");
                await context.Response.WriteAsync(
                    $"<!doctype html><html lang=\"en\"><head><title>Portal callback</title><link rel=\"icon\" href=\"/favicon.svg\"></head><body><main><h1>Portal callback</h1><p id=\"callback-query\">{query}</p></main></body></html>");
            });
            next(app);
        };
    }
}

/// <summary>Real time plus an offset the test sets: the browser keeps real time, the server sees the future.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
