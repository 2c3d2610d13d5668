using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Xunit.Abstractions;

namespace Idp.IntegrationTests.Security;

/// <summary>No request, however malformed, makes the application answer 5xx or log an unhandled exception.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261205;
    private const int RequestCount = 5000;
    private const string ConfidentialClient = "fuzz-api";

    [Fact]
    public async Task MalformedRequests_InProduction_NeverAnswer5xx_NorLogAnUnhandledException()
    {
        await using var factory = ProductionFactory();
        var known = await LearnAsync(factory);
        var generator = new MalformedRequests(Seed, known);
        await ReportIdentitiesAsync(factory, known, "before");
        var failures = new List<string>();
        var timedOut = 0;
        var statuses = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < RequestCount; i++)
        {
            var request = generator.Next();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                var context = await factory.Server.SendAsync(request.Apply, timeout.Token);
                var byStatus = statuses.TryGetValue(request.Path, out var s) ? s : statuses[request.Path] = [];
                byStatus[context.Response.StatusCode] = byStatus.GetValueOrDefault(context.Response.StatusCode) + 1;
                if (context.Response.StatusCode >= 500)
                    failures.Add($"{request} answered {context.Response.StatusCode}");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                timedOut++; // an event stream that stayed open: not an error
            }
            catch (Exception exception)
            {
                failures.Add($"{request} threw {exception.GetType().Name}: {exception.Message}");
            }
        }

        var logged = factory.Logs.Entries
            .Where(e => e.Level >= LogLevel.Error || e.Exception is not null && e.Level >= LogLevel.Warning)
            // A forged antiforgery cookie is refused with 400; the framework itself logs that as an error.
            .Where(e => !(e.Category == "Microsoft.AspNetCore.Antiforgery.DefaultAntiforgery" && e.Exception is Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException))
            .Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}: {e.Exception?.Message}")
            .ToList();
        await ReportIdentitiesAsync(factory, known, "after");
        output.WriteLine($"{RequestCount} requests in {clock.Elapsed.TotalSeconds:F1} s, {timedOut} timed out, {failures.Count} failures, {logged.Count} error logs");
        foreach (var (path, counts) in statuses.Where(s => !s.Key.StartsWith("/api/authenticator/v1/", StringComparison.Ordinal) || s.Value.Values.Sum() > 20))
            output.WriteLine($"{path}: {string.Join(", ", counts.Select(c => $"{c.Key}×{c.Value}"))}");
        foreach (var line in failures.Take(40).Concat(logged.Distinct().Take(40)))
            output.WriteLine(line);
        Assert.Empty(failures);
        Assert.Empty(logged);
        Assert.True(timedOut < RequestCount / 100, $"{timedOut} requests hung");
    }

    [Fact]
    public async Task Trace_OnPages_IsNot500()
    {
        await using var factory = ProductionFactory();

        foreach (var path in new[] { "/", "/signin", "/register", "/profile", "/connect/authorize", "/connect/token", "/.well-known/jwks", "/api/authenticator/v1/registrations" })
        {
            var context = await factory.Server.SendAsync(c => { c.Request.Method = "TRACE"; c.Request.Path = path; c.Request.Headers.Accept = "text/html"; });
            Assert.InRange(context.Response.StatusCode, 400, 499);
        }
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Options_OnPages_IsNot500()
    {
        await using var factory = ProductionFactory();

        foreach (var path in new[] { "/", "/signin", "/forgot-password", "/consent", "/connect/userinfo", "/connect/par", "/api/authenticator/v1/registrations" })
        {
            var context = await factory.Server.SendAsync(c => { c.Request.Method = "OPTIONS"; c.Request.Path = path; });
            Assert.True(context.Response.StatusCode < 500, $"OPTIONS {path} answered {context.Response.StatusCode}");
        }
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("{\"login\":")]
    [InlineData("{\"login\":5,\"password\":[]}")]
    [InlineData("not json")]
    public async Task DeviceApi_MalformedJson_Is400(string json)
    {
        await using var factory = ProductionFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/api/authenticator/v1/registrations", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>PostgreSQL refuses a NUL character in text: a client id with one must be an unknown client, not a database error.</summary>
    [Fact]
    public async Task ClientIdWithNulCharacter_IsRefused_NotADatabaseError()
    {
        await using var factory = ProductionFactory();

        var endSession = await factory.Server.SendAsync(c => { c.Request.Path = "/connect/endsession"; c.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?client_id=\0"); });
        var token = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/connect/token";
            c.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("fuzz\0api:x"));
            c.Request.ContentType = "application/x-www-form-urlencoded";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("grant_type=client_credentials&client_id=a%00b"));
        });
        var authorize = await factory.Server.SendAsync(c => { c.Request.Path = "/connect/authorize"; c.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?client_id=a%00b&response_type=code"); });

        Assert.InRange(endSession.Response.StatusCode, 200, 499);
        Assert.InRange(token.Response.StatusCode, 400, 401);
        Assert.Equal(400, authorize.Response.StatusCode);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task HttpsIssuer_SendsHsts()
    {
        await using var factory = ProductionFactory().WithSetting("Idp:Issuer", "https://id.example");
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/.well-known/openid-configuration", "/signin", "/nope" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        }
    }

    [Fact]
    public async Task HttpLoopbackIssuer_SendsNoHsts()
    {
        await using var factory = ProductionFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/.well-known/openid-configuration");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task EveryResponse_HasPermissionsPolicy()
    {
        await using var factory = ProductionFactory();
        using var client = factory.CreateClient();
        var requests = new (HttpMethod Method, string Path, string? Accept)[]
        {
            (HttpMethod.Get, "/signin", "text/html"), (HttpMethod.Get, "/.well-known/jwks", null), (HttpMethod.Post, "/connect/token", null),
            (HttpMethod.Get, "/nope", "text/html"), (HttpMethod.Get, "/nope", null), (HttpMethod.Delete, "/signin", "text/html"),
            (HttpMethod.Post, "/api/authenticator/v1/registrations", null), (HttpMethod.Get, "/favicon.svg", null),
        };

        foreach (var (method, path, accept) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            if (accept is not null)
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            var response = await client.SendAsync(request);
            var policy = Assert.Single(response.Headers.GetValues("Permissions-Policy"));
            Assert.Contains("camera=()", policy);
            Assert.Contains("microphone=()", policy);
            Assert.Contains("geolocation=()", policy);
            Assert.Contains("payment=()", policy);
            Assert.Contains("publickey-credentials-get=(self)", policy);
            Assert.Contains("publickey-credentials-create=(self)", policy);
        }
    }

    private static IdpFactory ProductionFactory() => new IdpFactory()
        .WithEnvironment("Production")
        .WithSetting("Idp:Email:Mode", "OutboxOnly")
        .WithClient("fuzz-portal")
        .WithClient(ConfidentialClient, c =>
        {
            c.Secret = TestClients.Secret;
            c.AllowedGrantTypes = ["authorization_code", "refresh_token", "client_credentials"];
            c.AllowedScopes = ["openid", "profile", "api"];
        });

    /// <summary>
    /// Three browsers (anonymous, signed in, waiting at the second factor) with their cookies and antiforgery tokens, and an
    /// access token, so requests get past the first checks into the pages' handlers and the endpoints' logic.
    /// </summary>
    private static async Task<FuzzContext> LearnAsync(IdpFactory factory)
    {
        using var anonymous = factory.CreateBrowser();
        var identities = new List<FuzzIdentity> { await IdentityAsync("anonymous", anonymous, "/register") };

        var user = await factory.CreateUserAsync();
        using var signedIn = factory.CreateBrowser();
        await signedIn.SignInAsync(user.AccountNumber!, TestUsers.Password);
        identities.Add(await IdentityAsync("signed in", signedIn, "/profile"));

        var withFactor = await factory.CreateUserAsync();
        await factory.SeedTotpAsync(withFactor);
        using var pending = factory.CreateBrowser();
        var challenge = await pending.SignInAsync(withFactor.AccountNumber!, TestUsers.Password);
        identities.Add(await IdentityAsync("second factor", pending, challenge.Message.Headers.Location?.OriginalString ?? "/signin/totp"));

        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ConfidentialClient}:{TestClients.Secret}")));
        var tokenResponse = await client.PostAsync("/connect/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "api")]));
        using var json = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var accessToken = json.RootElement.GetProperty("access_token").GetString()!;

        return new FuzzContext("fuzz-portal", ConfidentialClient, TestClients.Secret, TestClients.RedirectUri, accessToken, identities);
    }

    /// <summary>Whether each identity still reaches its page: the fuzz covers the pages' handlers only while it does.</summary>
    private async Task ReportIdentitiesAsync(IdpFactory factory, FuzzContext known, string when)
    {
        foreach (var identity in known.Identities)
        {
            var context = await factory.Server.SendAsync(c => { c.Request.Path = identity.Page; c.Request.Headers.Cookie = identity.Cookies; c.Request.Headers.Accept = "text/html"; });
            output.WriteLine($"{when}: {identity.Name} GET {identity.Page} answered {context.Response.StatusCode} {context.Response.Headers.Location}");
        }
    }

    private static async Task<FuzzIdentity> IdentityAsync(string name, BrowserClient browser, string page)
    {
        var response = await browser.GetAsync(page);
        var token = response.Document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"{page} ({name}) has no antiforgery token: {response}");
        return new FuzzIdentity(name, browser.Url.PathAndQuery, browser.Cookies.HeaderFor(new Uri(IdpFactory.Issuer + "/")) ?? "", token);
    }
}
