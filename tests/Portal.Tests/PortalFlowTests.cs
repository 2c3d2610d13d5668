using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Authentication;

namespace Portal.Tests;

/// <summary>The portal end to end against a stand-in Idp: discovery and keys in memory, the token endpoint stubbed.</summary>
public sealed partial class PortalFlowTests : IDisposable
{
    private readonly TestIdp idp = new();
    private readonly StubTokenEndpoint tokenEndpoint;
    private readonly WebApplicationFactory<Program> factory;
    private readonly HttpClient browser;

    public PortalFlowTests()
    {
        tokenEndpoint = new StubTokenEndpoint(idp);
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddSingleton<IConfigurationManager<OpenIdConnectConfiguration>>(
                new StaticConfigurationManager<OpenIdConnectConfiguration>(idp.Configuration));
            services.Configure<OpenIdConnectOptions>(PortalAuthenticationDefaults.IdpScheme, oidc => oidc.BackchannelHttpHandler = tokenEndpoint);
        }));
        browser = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("http://localhost:5100"),
        });
    }

    public void Dispose()
    {
        browser.Dispose();
        factory.Dispose();
    }

    [Fact]
    public async Task Home_SignedOut_ShowsSignInButton()
    {
        var page = await browser.GetStringAsync("/");

        Assert.Contains("Sign in", page);
    }

    [Fact]
    public async Task SignIn_RedirectsToIdpWithCodeFlowPkceNonceAndState()
    {
        var authorize = await StartSignIn();

        Assert.Equal("http://localhost:5000/connect/authorize", authorize.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("demo-portal", query["client_id"]);
        Assert.Equal("http://localhost:5100/signin-idp", query["redirect_uri"]);
        Assert.Equal("openid profile email offline_access", query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.True(query["nonce"].ToString().Length >= 32);
        Assert.False(string.IsNullOrEmpty(query["state"]));
    }

    [Fact]
    public async Task SignIn_TwoRequests_GetDifferentNonces()
    {
        var first = QueryHelpers.ParseQuery((await StartSignIn()).Query)["nonce"];
        var second = QueryHelpers.ParseQuery((await StartSignIn()).Query)["nonce"];

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Callback_ValidResponse_SignsInAndShowsIdTokenClaims()
    {
        var callback = await Callback(await StartSignIn(), iss: TestIdp.Issuer);

        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);
        Assert.Equal("/claims", callback.Headers.Location?.OriginalString);
        Assert.Empty(tokenEndpoint.Problems);

        var claims = await browser.GetAsync("/claims");
        var page = await claims.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, claims.StatusCode);
        Assert.Contains("10000001", page);
        Assert.Contains("urn:idp:acr:mfa", page);
        Assert.Contains("[&quot;pwd&quot;,&quot;otp&quot;]", page);
        Assert.Contains("<time datetime=", page);
        Assert.Contains("Signed in as <strong>Erika Mustermann</strong>", page);
    }

    [Fact]
    public async Task Callback_IssOfAnotherServer_IsRejectedBeforeTheCodeIsRedeemed()
    {
        var callback = await Callback(await StartSignIn(), iss: "https://attacker.example");

        Assert.Equal("/error?reason=signin_failed", callback.Headers.Location?.OriginalString);
        Assert.Equal(0, tokenEndpoint.Calls);
    }

    [Fact]
    public async Task Callback_IdTokenWithAnotherNonce_IsRejected()
    {
        var authorize = await StartSignIn();
        var callback = await Callback(authorize, iss: TestIdp.Issuer, nonceOverride: "replayed-nonce");

        Assert.Equal("/error?reason=signin_failed", callback.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/claims")).StatusCode);
    }

    [Fact]
    public async Task Callback_AccessDenied_ShowsCancelledPage()
    {
        var state = QueryHelpers.ParseQuery((await StartSignIn()).Query)["state"];

        var callback = await browser.GetAsync($"/signin-idp?error=access_denied&state={Uri.EscapeDataString(state!)}&iss={Uri.EscapeDataString(TestIdp.Issuer)}");

        Assert.Equal("/error?reason=access_denied", callback.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignOut_RedirectsToEndSessionWithHintAndState_AndSignedOutChecksState()
    {
        await Callback(await StartSignIn(), iss: TestIdp.Issuer);

        var signOutPage = await browser.GetStringAsync("/signout");
        var antiforgery = AntiforgeryField().Match(signOutPage).Groups[1].Value;
        var signOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var endSession = signOut.Headers.Location!;
        Assert.Equal("http://localhost:5000/connect/endsession", endSession.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(endSession.Query);
        Assert.Equal("http://localhost:5100/signed-out", query["post_logout_redirect_uri"]);
        Assert.Equal("demo-portal", query["client_id"]);
        Assert.Equal(3, query["id_token_hint"].ToString().Split('.').Length);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/claims")).StatusCode);

        var wrongState = await browser.GetAsync("/signed-out?state=forged");
        Assert.Equal(HttpStatusCode.BadRequest, wrongState.StatusCode);
    }

    [Fact]
    public async Task SignOut_ReturnWithTheStateSent_IsConfirmed()
    {
        await Callback(await StartSignIn(), iss: TestIdp.Issuer);
        var signOutPage = await browser.GetStringAsync("/signout");
        var antiforgery = AntiforgeryField().Match(signOutPage).Groups[1].Value;
        var signOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery }));
        var state = QueryHelpers.ParseQuery(signOut.Headers.Location!.Query)["state"];

        var signedOut = await browser.GetAsync($"/signed-out?state={Uri.EscapeDataString(state!)}");

        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("You are signed out", await signedOut.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_IsRefused()
    {
        var signOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
    }

    private async Task<Uri> StartSignIn()
    {
        var response = await browser.GetAsync("/signin?returnUrl=%2Fclaims");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<HttpResponseMessage> Callback(Uri authorize, string iss, string? nonceOverride = null)
    {
        var query = QueryHelpers.ParseQuery(authorize.Query);
        tokenEndpoint.CodeChallenge = query["code_challenge"];
        tokenEndpoint.Nonce = nonceOverride ?? query["nonce"];
        return await browser.GetAsync(
            $"/signin-idp?code=stub-code&state={Uri.EscapeDataString(query["state"]!)}&iss={Uri.EscapeDataString(iss)}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
