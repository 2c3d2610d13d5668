using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Idp.Testing;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Api.Tests;

/// <summary>RFC 9068 §4 and RFC 6750 §3: which tokens <c>GET /api/profile</c> accepts, and how it refuses the others.</summary>
public sealed class AccessTokenTests : IDisposable
{
    private readonly TestAuthority idp = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    private readonly ApiFactory api;
    private readonly HttpClient client;

    public AccessTokenTests()
    {
        api = new ApiFactory(idp, clock);
        client = api.CreateClient();
    }

    public void Dispose()
    {
        client.Dispose();
        api.Dispose();
    }

    [Fact]
    public async Task Profile_ValidRs256Token_ReturnsWhatTheTokenSays()
    {
        var response = await Get(idp.AccessToken(clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profile = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal("10000001", profile!["subject"].ToString());
        Assert.Equal("demo-portal", profile["clientId"].ToString());
        Assert.Equal("urn:idp:acr:mfa", profile["acr"].ToString());
    }

    [Fact]
    public async Task Profile_ValidEs256Token_IsAccepted()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), credentials: new SigningCredentials(idp.EcKey, SecurityAlgorithms.EcdsaSha256));

        Assert.Equal(HttpStatusCode.OK, (await Get(token)).StatusCode);
    }

    [Fact]
    public async Task Profile_PasswordLevelToken_IsAccepted()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), claims => claims["acr"] = "urn:idp:acr:pwd");

        Assert.Equal(HttpStatusCode.OK, (await Get(token)).StatusCode);
    }

    [Fact]
    public async Task Profile_NoToken_GetsBareBearerChallenge()
    {
        var response = await client.GetAsync("/api/profile");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", WwwAuthenticate(response)); // RFC 6750 §3.1: no error code without a token
    }

    [Fact]
    public async Task Profile_OtherAuthorizationScheme_GetsBareBearerChallenge()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("a:b")));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", WwwAuthenticate(response));
    }

    [Fact]
    public async Task Profile_OtherAudience_IsInvalidToken()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), claims => claims["aud"] = "https://other-api.example");

        await AssertInvalidToken(token, "The access token is not meant for this API (aud).");
    }

    [Fact]
    public async Task Profile_OtherIssuer_IsInvalidToken()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), claims => claims["iss"] = "https://attacker.example");

        await AssertInvalidToken(token, "The access token was not issued by Idp (iss).");
    }

    [Fact]
    public async Task Profile_ExpiredToken_IsInvalidToken()
    {
        var token = idp.AccessToken(clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(11));

        await AssertInvalidToken(token, "The access token has expired or is not yet valid.");
    }

    [Fact]
    public async Task Profile_TokenWithinClockSkewAfterExpiry_IsAccepted()
    {
        var token = idp.AccessToken(clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, (await Get(token)).StatusCode);
    }

    [Fact]
    public async Task Profile_AlgNone_IsInvalidToken()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), unsigned: true);

        Assert.EndsWith(".", token);
        await AssertInvalidToken(token, "The access token's signature is not valid.");
    }

    [Fact]
    public async Task Profile_Hs256Token_IsInvalidToken()
    {
        var secret = new SymmetricSecurityKey(new byte[32]) { KeyId = "rsa-1" };
        var token = idp.AccessToken(clock.GetUtcNow(), credentials: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));

        await AssertInvalidToken(token, "The access token's signature is not valid.");
    }

    [Fact]
    public async Task Profile_TokenSignedWithUnknownKey_IsInvalidToken()
    {
        var stranger = new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "stranger" };
        var token = idp.AccessToken(clock.GetUtcNow(), credentials: new SigningCredentials(stranger, SecurityAlgorithms.RsaSha256));

        await AssertInvalidToken(token, "The access token's signature is not valid.");
    }

    [Fact]
    public async Task Profile_IdTokenInsteadOfAccessToken_IsInvalidToken()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), tokenType: null); // typ JWT, as an ID token has

        await AssertInvalidToken(token, "The token is not an access token (typ must be at+jwt).");
    }

    [Fact]
    public async Task Profile_TokenWithoutClientId_IsInvalidToken()
    {
        var token = idp.AccessToken(clock.GetUtcNow(), claims => claims.Remove("client_id"));

        await AssertInvalidToken(token, "The access token has no client_id.");
    }

    [Fact]
    public async Task Profile_Garbage_IsInvalidToken()
    {
        await AssertInvalidToken("not-a-jwt", "The access token is not a JWT.");
    }

    [Fact]
    public async Task Profile_ConfiguredAudience_IsTheOneAccepted()
    {
        using var custom = new ApiFactory(idp, clock, new Dictionary<string, string> { ["Api:Audience"] = "urn:example:bank-api" });
        using var customClient = custom.CreateClient();
        var now = clock.GetUtcNow();

        var own = await Get(idp.AccessToken(now, claims => claims["aud"] = "urn:example:bank-api"), customClient);
        var standard = await Get(idp.AccessToken(now), customClient);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, standard.StatusCode);
    }

    [Fact]
    public async Task Profile_KeyRotatedAtIdp_RefreshesJwksOnce()
    {
        var rotated = new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "rsa-2" };
        var manager = new RotatingConfigurationManager(idp.Configuration, rotated);
        using var rotating = new ApiFactory(idp, clock, configurationManager: manager);
        using var rotatingClient = rotating.CreateClient();

        var token = idp.AccessToken(clock.GetUtcNow(), credentials: new SigningCredentials(rotated, SecurityAlgorithms.RsaSha256));
        var response = await Get(token, rotatingClient);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, manager.Refreshes);
    }

    [Fact]
    public async Task Profile_IdpUnreachable_AnswersServiceUnavailableProblem()
    {
        using var down = new ApiFactory(idp, clock, configurationManager: new UnreachableConfigurationManager());
        using var downClient = down.CreateClient();

        var response = await Get(idp.AccessToken(clock.GetUtcNow()), downClient);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task AssertInvalidToken(string token, string description)
    {
        var response = await Get(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer error=\"invalid_token\", error_description=\"{description}\"", WwwAuthenticate(response));
    }

    private Task<HttpResponseMessage> Get(string token, HttpClient? on = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (on ?? client).SendAsync(request);
    }

    private static string WwwAuthenticate(HttpResponseMessage response) =>
        string.Join(", ", response.Headers.GetValues("WWW-Authenticate"));

    /// <summary>Idp after a key rotation: the cached configuration lacks the new key until a refresh is asked for.</summary>
    private sealed class RotatingConfigurationManager(OpenIdConnectConfiguration stale, SecurityKey newKey)
        : IConfigurationManager<OpenIdConnectConfiguration>
    {
        private OpenIdConnectConfiguration current = stale;

        public int Refreshes { get; private set; }

        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) => Task.FromResult(current);

        public void RequestRefresh()
        {
            Refreshes++;
            var fresh = new OpenIdConnectConfiguration { Issuer = current.Issuer, JwksUri = current.JwksUri };
            fresh.SigningKeys.Add(newKey);
            current = fresh;
        }
    }

    private sealed class UnreachableConfigurationManager : IConfigurationManager<OpenIdConnectConfiguration>
    {
        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
            throw new InvalidOperationException("IDX20803: Unable to obtain configuration.");

        public void RequestRefresh()
        {
        }
    }
}
