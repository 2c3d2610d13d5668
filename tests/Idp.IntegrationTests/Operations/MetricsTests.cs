using System.Net;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;

namespace Idp.IntegrationTests.Operations;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_Disabled_ByDefault_404()
    {
        await using var idp = new IdpFactory().FromLoopbackProxy().Start();
        using var http = idp.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Metrics_Enabled_ExposesSignInAndTokenCounters()
    {
        await using var idp = new IdpFactory()
            .FromLoopbackProxy()
            .WithSetting("Idp:Telemetry:Prometheus:Enabled", "true")
            .WithClient("metrics-api", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = ["api"]; })
            .Start();
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        await browser.SignInAsync(user.AccountNumber!, TestUsers.Password);
        await browser.SignInAsync(user.AccountNumber!, "wrong password 123");
        var (token, _) = await new TestRelyingParty(idp, "metrics-api").PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        using var http = idp.CreateClient();
        var scrape = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Matches(@"(?m)^idp_sign_ins_total\{[^}]*outcome=""succeeded""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^idp_sign_ins_total\{[^}]*outcome=""failed""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^idp_tokens_issued_total\{[^}]*client_id=""metrics-api""[^}]*grant_type=""client_credentials""[^}]*\} [1-9]", text);
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.DoesNotContain(user.AccountNumber!, text);
    }

    [Fact]
    public async Task Metrics_Enabled_RefusesAddressesNotAllowed()
    {
        await using var idp = new IdpFactory()
            .FromLoopbackProxy()
            .WithSetting("Idp:Telemetry:Prometheus:Enabled", "true")
            .WithSetting("Idp:Telemetry:Prometheus:AllowedNetworks:0", "10.1.0.0/16")
            .Start();
        using var http = idp.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await Scrape(http, "203.0.113.9")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Scrape(http, "10.1.2.3")).StatusCode);
    }

    [Fact]
    public async Task Telemetry_WithOtlpCollector_StartsAndServes()
    {
        // Nothing listens there: exports fail in the background, requests are not affected.
        await using var idp = new IdpFactory()
            .WithSetting("Idp:Telemetry:Otlp:Endpoint", "http://127.0.0.1:9")
            .WithSetting("Idp:Telemetry:Otlp:Protocol", "HttpProtobuf")
            .Start();
        using var http = idp.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/.well-known/openid-configuration")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
    }

    private static Task<HttpResponseMessage> Scrape(HttpClient http, string from)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add(RemoteAddresses.ForwardedFor, from);
        return http.SendAsync(request);
    }
}
