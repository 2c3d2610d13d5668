using System.Net;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Authentication;

namespace Portal.Tests;

/// <summary>OpenID Connect Back-Channel Logout 1.0 received by the portal: a valid logout token ends the portal session of its sid.</summary>
public sealed class BackChannelLogoutTests : IDisposable
{
    private readonly TestIdp idp = new();
    private readonly StubTokenEndpoint tokenEndpoint;
    private readonly WebApplicationFactory<Program> factory;
    private readonly HttpClient browser;
    private readonly HttpClient idpServer;

    public BackChannelLogoutTests()
    {
        tokenEndpoint = new StubTokenEndpoint(idp);
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(
                new StaticConfigurationManager<OpenIdConnectConfiguration>(idp.Configuration));
            services.Configure<OpenIdConnectOptions>(PortalAuthenticationDefaults.IdpScheme, oidc => oidc.BackchannelHttpHandler = tokenEndpoint);
        }));
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost:5100") };
        browser = factory.CreateClient(options);
        idpServer = factory.CreateClient(options);
    }

    public void Dispose()
    {
        browser.Dispose();
        idpServer.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task BackChannelLogout_ValidTokenForTheSessionsSid_EndsThePortalSession()
    {
        await SignIn();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/claims")).StatusCode);

        var response = await PostLogoutToken(LogoutToken(claims => claims["sid"] = "session-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/claims")).StatusCode);
    }

    [Fact]
    public async Task BackChannelLogout_OtherSid_KeepsTheSession()
    {
        await SignIn();

        var response = await PostLogoutToken(LogoutToken(claims => claims["sid"] = "session-2"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/claims")).StatusCode);
    }

    [Theory]
    [InlineData("no-events")]
    [InlineData("nonce")]
    [InlineData("other-audience")]
    [InlineData("other-issuer")]
    [InlineData("expired")]
    [InlineData("unknown-key")]
    public async Task BackChannelLogout_InvalidToken_IsRefusedAndKeepsTheSession(string flaw)
    {
        await SignIn();
        var credentials = flaw == "unknown-key"
            ? new SigningCredentials(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "stranger" }, SecurityAlgorithms.RsaSha256)
            : null;

        var response = await PostLogoutToken(LogoutToken(claims =>
        {
            switch (flaw)
            {
                case "no-events": claims.Remove("events"); break;
                case "nonce": claims["nonce"] = "n"; break;
                case "other-audience": claims["aud"] = "other-portal"; break;
                case "other-issuer": claims["iss"] = "https://attacker.example"; break;
                case "expired": claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(); break;
            }
        }, credentials));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/claims")).StatusCode);
    }

    [Fact]
    public async Task BackChannelLogout_NoToken_IsBadRequest()
    {
        var response = await idpServer.PostAsync("/backchannel-logout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private Task<HttpResponseMessage> PostLogoutToken(string token) =>
        idpServer.PostAsync("/backchannel-logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = token }));

    private string LogoutToken(Action<Dictionary<string, object>> change, SigningCredentials? credentials = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = TestIdp.Issuer,
            ["aud"] = TestIdp.ClientId,
            ["sub"] = "10000001",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["events"] = new Dictionary<string, object> { [BackChannelLogout.EventType] = new Dictionary<string, object>() },
        };
        change(claims);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = "logout+jwt",
            SigningCredentials = credentials ?? new SigningCredentials(idp.RsaKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task SignIn()
    {
        var authorize = (await browser.GetAsync("/signin?returnUrl=%2Fclaims")).Headers.Location!;
        var query = QueryHelpers.ParseQuery(authorize.Query);
        tokenEndpoint.CodeChallenge = query["code_challenge"];
        tokenEndpoint.Nonce = query["nonce"];
        var callback = await browser.GetAsync(
            $"/signin-idp?code=stub-code&state={Uri.EscapeDataString(query["state"]!)}&iss={Uri.EscapeDataString(TestIdp.Issuer)}");
        Assert.Equal("/claims", callback.Headers.Location?.OriginalString);
    }
}
