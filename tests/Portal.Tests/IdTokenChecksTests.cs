using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Authentication;

namespace Portal.Tests;

/// <summary>
/// The ID token checks of OpenID Connect Core §3.1.3.7 as the portal applies them (the framework's handler configured in
/// Program): each test lets the stand-in Idp answer with one flaw and expects the sign-in to fail without a session.
/// </summary>
public sealed class IdTokenChecksTests : IDisposable
{
    private readonly TestIdp idp = new();
    private readonly StubTokenEndpoint tokenEndpoint;
    private readonly WebApplicationFactory<Program> factory;
    private readonly HttpClient browser;

    public IdTokenChecksTests()
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
    public async Task SignIn_Rs256TokenWithMatchingNonceAndAtHash_IsAccepted() => await AssertAccepted();

    [Fact]
    public async Task SignIn_Es256Token_IsAccepted()
    {
        tokenEndpoint.Credentials = new SigningCredentials(idp.EcKey, SecurityAlgorithms.EcdsaSha256);

        await AssertAccepted();
    }

    [Fact]
    public async Task SignIn_NoNonce_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims.Remove("nonce");

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_OtherAudience_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims["aud"] = "other-portal";

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_OtherIssuer_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims["iss"] = "http://localhost:6000";

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_ExpiredBeyondClockSkew_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-1).AddSeconds(-10).ToUnixTimeSeconds();

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_ExpiredWithinClockSkew_IsAccepted()
    {
        tokenEndpoint.ChangeIdToken = claims => claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-1).AddSeconds(10).ToUnixTimeSeconds();

        await AssertAccepted();
    }

    [Fact]
    public async Task SignIn_AtHashOfAnotherAccessToken_IsRejected()
    {
        tokenEndpoint.AtHashFor = "another-access-token";

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_AzpOfAnotherClient_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims["azp"] = "other-portal";

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_SeveralAudiencesWithoutAzp_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims["aud"] = new[] { TestIdp.ClientId, "other-portal" };

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_NoSub_IsRejected()
    {
        tokenEndpoint.ChangeIdToken = claims => claims.Remove("sub");

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_SignedWithUnknownKey_IsRejected()
    {
        var stranger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-unknown" };
        tokenEndpoint.Credentials = new SigningCredentials(stranger, SecurityAlgorithms.RsaSha256);

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_Hs256_IsRejectedEvenWithAKnownKey()
    {
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-shared-secret-that-is-long-enough-for-hs256")) { KeyId = "hmac" };
        idp.Configuration.SigningKeys.Add(secret);
        tokenEndpoint.Credentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256);

        await AssertRejected();
    }

    [Fact]
    public async Task SignIn_UnsignedToken_IsRejected()
    {
        tokenEndpoint.ReplaceIdToken = signed =>
            Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + signed.Split('.')[1] + ".";

        await AssertRejected();
    }

    [Fact]
    public void ComputeTokenHash_MatchesTheExampleOfOpenIdConnectCore()
    {
        // OpenID Connect Core 1.0 Appendix A.3: the access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" has at_hash "77QmUPtjPfzWtF2AnpK9RQ".
        Assert.Equal("77QmUPtjPfzWtF2AnpK9RQ", TestIdp.ComputeTokenHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256"));
    }

    private async Task AssertAccepted()
    {
        var callback = await Callback();

        Assert.Equal("/claims", callback.Headers.Location?.OriginalString);
        Assert.Empty(tokenEndpoint.Problems);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/claims")).StatusCode);
    }

    private async Task AssertRejected()
    {
        var callback = await Callback();

        Assert.Equal("/error?reason=signin_failed", callback.Headers.Location?.OriginalString);
        Assert.Equal(1, tokenEndpoint.Calls);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/claims")).StatusCode);
    }

    private async Task<HttpResponseMessage> Callback()
    {
        var authorize = (await browser.GetAsync("/signin?returnUrl=%2Fclaims")).Headers.Location!;
        var query = QueryHelpers.ParseQuery(authorize.Query);
        tokenEndpoint.CodeChallenge = query["code_challenge"];
        tokenEndpoint.Nonce = query["nonce"];
        return await browser.GetAsync(
            $"/signin-idp?code=stub-code&state={Uri.EscapeDataString(query["state"]!)}&iss={Uri.EscapeDataString(TestIdp.Issuer)}");
    }
}
