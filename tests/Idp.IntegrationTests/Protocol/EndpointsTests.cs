using System.Net;
using System.Text.Json;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.Protocol;

/// <summary>Discovery, JWKS, userinfo (OpenID Connect Core §5.3), revocation (RFC 7009), introspection (RFC 7662), PAR (RFC 9126).</summary>
public sealed class EndpointsTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))
            .WithClient(TestClients.Create("api", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = []; }))
            .WithClient(TestClients.Create("spa"))
            .Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private async Task<JsonElement> TokensAsync()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        return (await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user)))).Body;
    }

    [Fact]
    public async Task Discovery_EveryAdvertisedEndpointAnswers()
    {
        using var http = _idp.CreateClient();
        var document = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(IdpFactory.Issuer, document.GetProperty("issuer").GetString());
        Assert.False(document.GetProperty("request_uri_parameter_supported").GetBoolean());
        Assert.True(document.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(["S256"], document.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        foreach (var name in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint", "revocation_endpoint", "introspection_endpoint", "pushed_authorization_request_endpoint" })
        {
            var url = document.GetProperty(name).GetString()!;
            Assert.StartsWith(IdpFactory.Issuer + "/", url);
            var status = (await http.GetAsync(url)).StatusCode;
            Assert.True(status is not (HttpStatusCode.NotFound or HttpStatusCode.InternalServerError), $"{name} answered {status}");
        }
        var metadata = JsonDocument.Parse(await http.GetStringAsync("/.well-known/oauth-authorization-server")).RootElement;
        Assert.Equal(IdpFactory.Issuer, metadata.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task Jwks_PublishesBothAlgorithmsWithoutPrivateParts()
    {
        using var http = _idp.CreateClient();
        var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks")).RootElement;
        var keys = jwks.GetProperty("keys").EnumerateArray().ToList();
        Assert.Contains(keys, k => k.GetProperty("alg").GetString() == "RS256");
        Assert.Contains(keys, k => k.GetProperty("alg").GetString() == "ES256");
        Assert.All(keys, k => Assert.False(k.TryGetProperty("d", out _)));
    }

    [Fact]
    public async Task UserInfo_PostWithFormToken_Works_AndMissingOrBadTokenIs401()
    {
        var tokens = await TokensAsync();
        using var http = _idp.CreateClient();
        var post = await http.PostAsync("/connect/userinfo", new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = tokens.GetProperty("access_token").GetString()! }));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        var missing = await http.GetAsync("/connect/userinfo");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        var bad = await _rp.UserInfoAsync("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Contains("invalid_token", bad.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UserInfo_ExpiredAccessToken_Is401()
    {
        var tokens = await TokensAsync();
        _idp.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _rp.UserInfoAsync(tokens.GetProperty("access_token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task Revocation_RefreshToken_RevokesGrantIncludingAccessToken()
    {
        var tokens = await TokensAsync();
        var (response, _) = await _rp.PostAsync("/connect/revocation", new() { ["token"] = tokens.GetProperty("refresh_token").GetString()!, ["token_type_hint"] = "refresh_token" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("invalid_grant", (await _rp.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _rp.UserInfoAsync(tokens.GetProperty("access_token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task Revocation_AccessToken_StopsUserInfo_UnknownTokenStill200()
    {
        var tokens = await TokensAsync();
        var (response, _) = await _rp.PostAsync("/connect/revocation", new() { ["token"] = tokens.GetProperty("access_token").GetString()! });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _rp.UserInfoAsync(tokens.GetProperty("access_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _rp.PostAsync("/connect/revocation", new() { ["token"] = "unknown" })).Response.StatusCode);
    }

    [Fact]
    public async Task Revocation_TokenOfAnotherClient_IsLeftAlone()
    {
        var tokens = await TokensAsync();
        var api = new TestRelyingParty(_idp, "api");
        var (response, _) = await api.PostAsync("/connect/revocation", new() { ["token"] = tokens.GetProperty("refresh_token").GetString()! });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _rp.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!)).Response.StatusCode);
    }

    [Fact]
    public async Task Introspection_ActiveThenInactiveAfterRevocation()
    {
        var tokens = await TokensAsync();
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var api = new TestRelyingParty(_idp, "api");
        var (_, active) = await api.PostAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("portal", active.GetProperty("client_id").GetString());
        Assert.Contains("openid", active.GetProperty("scope").GetString());

        await _rp.PostAsync("/connect/revocation", new() { ["token"] = accessToken });
        var (_, inactive) = await api.PostAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(inactive.GetProperty("active").GetBoolean());
        Assert.Single(inactive.EnumerateObject());
    }

    [Fact]
    public async Task Introspection_RefreshTokenOnlyForItsOwnClient()
    {
        var tokens = await TokensAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        Assert.True((await _rp.PostAsync("/connect/introspect", new() { ["token"] = refresh })).Body.GetProperty("active").GetBoolean());
        Assert.False((await new TestRelyingParty(_idp, "api").PostAsync("/connect/introspect", new() { ["token"] = refresh })).Body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspection_PublicClient_IsRefused()
    {
        var spa = new TestRelyingParty(_idp, "spa", secret: null);
        var (response, body) = await spa.PostAsync("/connect/introspect", new() { ["token"] = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Par_PushedRequest_IsUsedOnceAtTheAuthorizationEndpoint()
    {
        var user = await _idp.CreateUserAsync();
        var (pushed, body) = await _rp.PostAsync("/connect/par", new()
        {
            ["client_id"] = "portal", ["redirect_uri"] = _rp.RedirectUri, ["response_type"] = "code", ["scope"] = "openid",
            ["code_challenge"] = _rp.Challenge, ["code_challenge_method"] = "S256", ["state"] = "par-state", ["nonce"] = "par-nonce",
        });
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        var requestUri = body.GetProperty("request_uri").GetString()!;
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", requestUri);
        Assert.Equal(90, body.GetProperty("expires_in").GetInt32());

        using var browser = _idp.CreateBrowser();
        var url = $"/connect/authorize?client_id=portal&request_uri={Uri.EscapeDataString(requestUri)}";
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user, url), state: "par-state");
        var (_, tokens) = await _rp.RedeemAsync(code);
        Assert.Equal("par-nonce", (await _rp.ValidateAsync(tokens.GetProperty("id_token").GetString()!)).GetClaim("nonce").Value);

        var reused = await browser.GetAsync(url, followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Null(reused.Location);
    }

    [Fact]
    public async Task Par_InvalidRequest_IsJsonErrorNotRedirect()
    {
        var (response, body) = await _rp.PostAsync("/connect/par", new() { ["client_id"] = "portal", ["redirect_uri"] = _rp.RedirectUri, ["response_type"] = "token", ["scope"] = "openid" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_response_type", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Par_WithoutClientAuthentication_Is401()
    {
        var anonymous = new TestRelyingParty(_idp, "portal", secret: null);
        var (response, _) = await anonymous.PostAsync("/connect/par", new() { ["redirect_uri"] = _rp.RedirectUri, ["response_type"] = "code", ["scope"] = "openid" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Par_ExpiredRequestUri_IsRefused()
    {
        var (_, body) = await _rp.PostAsync("/connect/par", new()
        {
            ["redirect_uri"] = _rp.RedirectUri, ["response_type"] = "code", ["scope"] = "openid",
            ["code_challenge"] = _rp.Challenge, ["code_challenge_method"] = "S256",
        });
        _idp.Clock.Advance(TimeSpan.FromSeconds(91));
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync($"/connect/authorize?client_id=portal&request_uri={Uri.EscapeDataString(body.GetProperty("request_uri").GetString()!)}", followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request_uri", response.Body);
    }
}
