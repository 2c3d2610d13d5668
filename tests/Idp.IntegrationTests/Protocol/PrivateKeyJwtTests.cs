using System.Net;
using System.Text.Json;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.Clients;
using Idp.Testing;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// <c>private_key_jwt</c> (RFC 7523 §2.2, OpenID Connect Core §9) at the token, PAR, revocation and introspection
/// endpoints, with the client's keys inline or behind its <c>jwks_uri</c>.
/// </summary>
public sealed class PrivateKeyJwtTests : IAsyncLifetime, IDisposable
{
    private const string ClientId = "key-portal";
    private const string TokenEndpoint = IdpFactory.Issuer + "/connect/token";
    private readonly IdpFactory _idp = new();
    private readonly TestClientKey _key = TestClientKey.Ec("portal-key-1");
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(KeyClient(ClientId, c => c.Jwks = TestClientKey.Jwks(_key)))
            .WithClient(TestClients.Create("secret-portal", c => c.Secret = TestClients.Secret))
            .Start();
        _rp = new TestRelyingParty(_idp, ClientId, secret: null);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    public void Dispose() => _key.Dispose();

    internal static Idp.Configuration.ClientOptions KeyClient(string clientId, Action<Idp.Configuration.ClientOptions> keys) => TestClients.Create(clientId, c =>
    {
        c.TokenEndpointAuthMethod = "private_key_jwt";
        c.AllowedGrantTypes = ["authorization_code", "refresh_token", "client_credentials"];
        c.AllowedScopes = ["openid", "profile", "email", "offline_access", "api"];
        keys(c);
    });

    private string Assertion(string audience = TokenEndpoint, Action<Dictionary<string, object?>>? change = null) =>
        _key.Assertion(ClientId, audience, _idp.Clock.GetUtcNow(), change);

    internal static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(IdpFactory node, string path, Dictionary<string, string> form, string assertion, string? dpopProof = null)
    {
        using var http = node.CreateClient();
        form = new Dictionary<string, string>(form)
        {
            ["client_assertion_type"] = ClientAssertionValidator.AssertionType,
            ["client_assertion"] = assertion,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (dpopProof is not null)
            request.Headers.Add("DPoP", dpopProof);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string path, Dictionary<string, string> form, string? assertion = null) =>
        PostAsync(_idp, path, form, assertion ?? Assertion(IdpFactory.Issuer + path));

    private async Task<JsonElement> SignInAndRedeemAsync()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var (response, tokens) = await PostAsync("/connect/token", new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = _rp.Verifier, ["redirect_uri"] = _rp.RedirectUri,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return tokens;
    }

    [Fact]
    public async Task CodeFlowAndRefresh_WithPrivateKeyJwt_IssueTokens()
    {
        var tokens = await SignInAndRedeemAsync();
        await _rp.ValidateAsync(tokens.GetProperty("id_token").GetString()!);

        var (refreshed, body) = await PostAsync("/connect/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! });

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        await _rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
    }

    [Fact]
    public async Task Token_AssertionForTheIssuer_IsAccepted()
    {
        var (response, _) = await PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" }, Assertion(IdpFactory.Issuer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_ReplayedAssertion_IsInvalidClient()
    {
        var assertion = Assertion();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "api" };
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/connect/token", form, assertion)).Response.StatusCode);

        var (replay, body) = await PostAsync("/connect/token", form, assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.Equal("no-store", replay.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Token_WrongAudience_IsInvalidClient_AndLogsTheReasonNotTheAssertion()
    {
        var assertion = Assertion("https://elsewhere.example/token");

        var (response, body) = await PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" }, assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.Equal("Client authentication failed.", body.GetProperty("error_description").GetString());
        Assert.True(_idp.Logs.Contains("Client assertion of key-portal refused: Audience"));
        Assert.False(_idp.Logs.Contains(assertion.Split('.')[2]));
    }

    [Fact]
    public async Task Token_SecretClientSendingAnAssertion_IsInvalidClient()
    {
        var assertion = _key.Assertion("secret-portal", TokenEndpoint, _idp.Clock.GetUtcNow());

        var (response, body) = await PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" }, assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_KeyClientSendingNoAssertion_IsInvalidClient()
    {
        var (response, body) = await _rp.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Par_WithPrivateKeyJwt_PushesTheRequestWithoutTheAssertion()
    {
        var user = await _idp.CreateUserAsync();
        var (pushed, body) = await PostAsync("/connect/par", new()
        {
            ["client_id"] = ClientId, ["redirect_uri"] = _rp.RedirectUri, ["response_type"] = "code", ["scope"] = "openid",
            ["code_challenge"] = _rp.Challenge, ["code_challenge_method"] = "S256", ["state"] = "par-state",
        }, Assertion(IdpFactory.Issuer));
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        var stored = await _idp.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.AuthorizationRequests));
        Assert.DoesNotContain("client_assertion", stored.Parameters);

        using var browser = _idp.CreateBrowser();
        var url = $"/connect/authorize?client_id={ClientId}&request_uri={Uri.EscapeDataString(body.GetProperty("request_uri").GetString()!)}";
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user, url), state: "par-state");
    }

    [Fact]
    public async Task Revocation_WithPrivateKeyJwt_RevokesTheRefreshToken()
    {
        var tokens = await SignInAndRedeemAsync();
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var (revoked, _) = await PostAsync("/connect/revocation", new() { ["token"] = refreshToken });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        var (refresh, body) = await PostAsync("/connect/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_WithPrivateKeyJwt_ShowsTheToken()
    {
        var tokens = await SignInAndRedeemAsync();

        var (response, body) = await PostAsync("/connect/introspect", new() { ["token"] = tokens.GetProperty("access_token").GetString()! });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(ClientId, body.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task Introspection_AssertionForTheTokenEndpoint_IsAccepted()
    {
        var (response, body) = await PostAsync("/connect/introspect", new() { ["token"] = "unknown" }, Assertion(TokenEndpoint));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspection_AssertionForTheRevocationEndpoint_IsInvalidClient()
    {
        var (response, _) = await PostAsync("/connect/introspect", new() { ["token"] = "unknown" }, Assertion(IdpFactory.Issuer + "/connect/revocation"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Discovery_AdvertisesPrivateKeyJwtAndItsAlgorithms()
    {
        using var http = _idp.CreateClient();
        var document = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration")).RootElement;

        foreach (var endpoint in new[] { "token_endpoint", "revocation_endpoint", "introspection_endpoint" })
        {
            Assert.Contains("private_key_jwt", document.GetProperty(endpoint + "_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["RS256", "PS256", "ES256"], document.GetProperty(endpoint + "_auth_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()!));
        }
    }
}
