using System.Net;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;

namespace Idp.IntegrationTests.Operations;

public sealed class RateLimitTests
{
    [Fact]
    public async Task RateLimit_TokenEndpoint_PerClient_Answers429WithRetryAfter()
    {
        await using var idp = new IdpFactory()
            .FromLoopbackProxy()
            .WithSetting("Idp:RateLimits:Token:PermitLimit", "2")
            .WithSetting("Idp:RateLimits:Token:Window", "01:00:00")
            .WithClient("busy", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = ["api"]; })
            .WithClient("calm", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = ["api"]; })
            .Start();
        using var http = idp.CreateClient();

        // The form (client_secret_post) and the Basic header name the same client: one partition.
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, "busy", basic: true, from: "198.51.100.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, "busy", basic: false, from: "198.51.100.2")).StatusCode);
        var refused = await TokenAsync(http, "busy", basic: true, from: "198.51.100.3");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.TryParse(refused.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds is > 0 and <= 3600);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, "calm", basic: true, from: "198.51.100.1")).StatusCode);
    }

    [Fact]
    public async Task RateLimit_SignIn_PerAddress_Answers429()
    {
        await using var idp = new IdpFactory()
            .FromLoopbackProxy()
            .WithSetting("Idp:RateLimits:SignIn:PermitLimit", "2")
            .WithSetting("Idp:RateLimits:SignIn:Window", "01:00:00")
            .Start();
        var user = await idp.CreateUserAsync();
        using var attacker = idp.CreateBrowser();
        attacker.DefaultHeaders[RemoteAddresses.ForwardedFor] = "203.0.113.50";
        using var neighbour = idp.CreateBrowser();
        neighbour.DefaultHeaders[RemoteAddresses.ForwardedFor] = "203.0.113.51";

        Assert.Equal(HttpStatusCode.OK, (await attacker.SignInAsync(user.AccountNumber!, "wrong password 1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await attacker.SignInAsync(user.AccountNumber!, "wrong password 2")).StatusCode);
        var refused = await attacker.SignInAsync(user.AccountNumber!, TestUsers.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Message.Headers.RetryAfter is not null);
        Assert.Equal("Too many attempts from your network", refused.Text("h1"));
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await neighbour.SignInAsync(user.AccountNumber!, TestUsers.Password)).StatusCode);
    }

    [Fact]
    public async Task RateLimit_Loopback_IsExemptByDefault()
    {
        await using var idp = new IdpFactory()
            .FromLoopbackProxy()
            .WithSetting("Idp:RateLimits:Token:PermitLimit", "1")
            .WithSetting("Idp:RateLimits:Token:Window", "01:00:00")
            .WithClient("bench", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = ["api"]; })
            .Start();
        using var http = idp.CreateClient();

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, "bench", basic: true, from: null)).StatusCode);
    }

    [Fact]
    public void RateLimit_InvalidLimit_StopsStartup()
    {
        using var idp = new IdpFactory().WithSetting("Idp:RateLimits:Authorize:PermitLimit", "0");
        var error = Assert.ThrowsAny<Exception>(() => idp.Start());
        Assert.Contains("Idp:RateLimits:Authorize:PermitLimit", error.ToString());
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient http, string clientId, bool basic, string? from)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "api" };
        if (!basic)
        {
            form["client_id"] = clientId;
            form["client_secret"] = TestClients.Secret;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        if (basic)
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{TestClients.Secret}")));
        if (from is not null)
            request.Headers.Add(RemoteAddresses.ForwardedFor, from);
        return http.SendAsync(request);
    }
}
