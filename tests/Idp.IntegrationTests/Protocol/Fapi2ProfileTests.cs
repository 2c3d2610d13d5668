using System.Net;
using System.Text.Json;
using Idp.Configuration;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;
using Microsoft.Extensions.Options;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// A client with <c>Profile</c> <c>Fapi2</c> is held to the FAPI 2.0 Security Profile's authorization-server rules
/// (§5.3.2): PAR, PKCE S256, <c>private_key_jwt</c> with the issuer as the only audience, https redirect URIs, codes of
/// at most 60 s, <c>iss</c> in the response. A default client beside it keeps today's rules.
/// </summary>
public sealed class Fapi2ProfileTests : IAsyncLifetime, IDisposable
{
    private const string FapiClient = "fapi-portal";
    private const string DefaultClient = "key-portal";
    private const string TokenEndpoint = IdpFactory.Issuer + "/connect/token";
    private readonly IdpFactory _idp = new();
    private readonly TestClientKey _key = TestClientKey.Ec("fapi-key-1");
    private readonly TestDPoPKey _dpop = TestDPoPKey.Ec();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(Fapi2Client(FapiClient, _key))
            .WithClient(PrivateKeyJwtTests.KeyClient(DefaultClient, c => c.Jwks = TestClientKey.Jwks(_key)))
            .Start();
        _rp = new TestRelyingParty(_idp, FapiClient, secret: null);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    public void Dispose()
    {
        _key.Dispose();
        _dpop.Dispose();
    }

    private static ClientOptions Fapi2Client(string clientId, TestClientKey key, Action<ClientOptions>? change = null) =>
        PrivateKeyJwtTests.KeyClient(clientId, c =>
        {
            c.Jwks = TestClientKey.Jwks(key);
            c.Profile = ClientProfile.Fapi2;
            change?.Invoke(c);
        });

    private string Assertion(string clientId = FapiClient, string audience = IdpFactory.Issuer, Action<Dictionary<string, object?>>? change = null) =>
        _key.Assertion(clientId, audience, _idp.Clock.GetUtcNow(), change);

    private Dictionary<string, string> PushedRequest(Action<Dictionary<string, string>>? change = null)
    {
        var form = new Dictionary<string, string>
        {
            ["client_id"] = FapiClient, ["redirect_uri"] = _rp.RedirectUri, ["response_type"] = "code", ["scope"] = "openid profile offline_access",
            ["code_challenge"] = _rp.Challenge, ["code_challenge_method"] = "S256", ["state"] = "state-1", ["nonce"] = "nonce-1",
        };
        change?.Invoke(form);
        return form;
    }

    private Task<(HttpResponseMessage Response, JsonElement Body)> PushAsync(Dictionary<string, string> form) =>
        PrivateKeyJwtTests.PostAsync(_idp, "/connect/par", form, Assertion());

    /// <summary>PAR, the authorization request by its request_uri, sign-in: the code (state and iss checked).</summary>
    private async Task<string> CodeByParAsync()
    {
        var user = await _idp.CreateUserAsync();
        var (pushed, body) = await PushAsync(PushedRequest());
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        using var browser = _idp.CreateBrowser();
        var url = $"/connect/authorize?client_id={FapiClient}&request_uri={Uri.EscapeDataString(body.GetProperty("request_uri").GetString()!)}";
        return _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user, url));
    }

    /// <summary>FAPI 2.0 §5.3.2.1: the FAPI client's tokens are sender-constrained, so its token requests carry a DPoP proof.</summary>
    private string Proof() => _dpop.Proof("POST", TokenEndpoint, _idp.Clock.GetUtcNow());

    private Task<(HttpResponseMessage Response, JsonElement Body)> RedeemAsync(string code) =>
        PrivateKeyJwtTests.PostAsync(_idp, "/connect/token", new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = _rp.Verifier, ["redirect_uri"] = _rp.RedirectUri,
        }, Assertion(), Proof());

    [Fact]
    public async Task Fapi2_FullFlow_WithParPkceAndPrivateKeyJwt_IssuesTokens()
    {
        var code = await CodeByParAsync();

        var (response, tokens) = await RedeemAsync(code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var idToken = await _rp.ValidateAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal("nonce-1", idToken.GetClaim("nonce").Value);
        var (refreshed, _) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/token", new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        }, Assertion(), Proof());
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal("DPoP", tokens.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task Fapi2_TokenRequestWithoutDPoPProof_IsInvalidDPoPProof()
    {
        var (response, body) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" }, Assertion());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_dpop_proof", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_AuthorizeWithoutPar_IsRefusedWithInvalidRequest()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();

        var response = await _rp.AuthorizeAsync(browser, user);

        Assert.True(response.IsExternalRedirect, $"Expected a redirect to the client, got {response}");
        Assert.Equal("invalid_request", response.LocationParameter("error"));
        Assert.Equal("state-1", response.LocationParameter("state"));
        Assert.Equal(IdpFactory.Issuer, response.LocationParameter("iss"));
        Assert.Null(response.LocationParameter("code"));
    }

    [Fact]
    public async Task Default_AuthorizeWithoutPar_StillIssuesACode()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var rp = new TestRelyingParty(_idp, DefaultClient, secret: null);

        rp.CodeFrom(await rp.AuthorizeAsync(browser, user));
    }

    [Fact]
    public async Task Fapi2_PlainPkce_IsRefusedAtPar()
    {
        var (response, body) = await PushAsync(PushedRequest(f => { f["code_challenge"] = _rp.Verifier; f["code_challenge_method"] = "plain"; }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_NoPkce_IsRefusedAtPar()
    {
        var (response, body) = await PushAsync(PushedRequest(f => { f.Remove("code_challenge"); f.Remove("code_challenge_method"); }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_ParWithoutRedirectUri_IsRefused()
    {
        var (response, body) = await PushAsync(PushedRequest(f => { f.Remove("redirect_uri"); f["scope"] = "profile"; }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_CodeOlderThan60Seconds_IsInvalidGrant()
    {
        var code = await CodeByParAsync();
        _idp.Clock.Advance(TimeSpan.FromSeconds(61));

        var (response, body) = await RedeemAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_CodeIsStoredWithAtMost60Seconds()
    {
        await CodeByParAsync();

        var lifetime = await _idp.WithDbAsync(async db =>
        {
            var stored = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.AuthorizationCodes);
            return stored.ExpiresAt - stored.CreatedAt;
        });

        Assert.True(lifetime <= TimeSpan.FromSeconds(60), $"code lifetime {lifetime}");
    }

    [Fact]
    public async Task Fapi2_AssertionForTheTokenEndpoint_IsInvalidClient()
    {
        var (response, body) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/token",
            new() { ["grant_type"] = "client_credentials", ["scope"] = "api" }, Assertion(audience: TokenEndpoint));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.True(_idp.Logs.Contains("Client assertion of fapi-portal refused: Audience"));
    }

    [Fact]
    public async Task Fapi2_AssertionWithTheIssuerInAnArray_IsInvalidClient()
    {
        var assertion = Assertion(change: c => c["aud"] = new[] { IdpFactory.Issuer });

        var (response, body) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" }, assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_AssertionForTheIssuer_IsAccepted_AndDefaultClientKeepsTheTokenEndpointAudience()
    {
        var (fapi, _) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" }, Assertion(), Proof());
        var (other, _) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/token",
            new() { ["grant_type"] = "client_credentials", ["scope"] = "api" }, Assertion(DefaultClient, TokenEndpoint));

        Assert.Equal(HttpStatusCode.OK, fapi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Fapi2_AssertionForTheParEndpoint_IsInvalidClient()
    {
        var (response, body) = await PrivateKeyJwtTests.PostAsync(_idp, "/connect/par", PushedRequest(), Assertion(audience: IdpFactory.Issuer + "/connect/par"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fapi2_WithASecret_StopsStartup_WithOneLine()
    {
        await using var factory = new IdpFactory().WithClient(TestClients.Create("fapi-secret", c =>
        {
            c.Secret = TestClients.Secret;
            c.Profile = ClientProfile.Fapi2;
        }));

        var refused = Assert.Throws<OptionsValidationException>(() => factory.Start());

        var line = Assert.Single(refused.Failures);
        Assert.StartsWith("Idp:Clients:0:Profile Fapi2 needs TokenEndpointAuthMethod private_key_jwt", line);
    }

    [Fact]
    public async Task Fapi2_PublicClient_StopsStartup()
    {
        await using var factory = new IdpFactory().WithClient("fapi-public", c => c.Profile = ClientProfile.Fapi2);

        var refused = Assert.Throws<OptionsValidationException>(() => factory.Start());

        Assert.Contains(refused.Failures, f => f.StartsWith("Idp:Clients:0:Profile Fapi2 needs TokenEndpointAuthMethod private_key_jwt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fapi2_HttpRedirectUri_StopsStartup()
    {
        using var key = TestClientKey.Ec("k");
        await using var factory = new IdpFactory().WithClient(Fapi2Client("fapi-http", key, c => c.RedirectUris = ["http://127.0.0.1:5100/cb"]));

        var refused = Assert.Throws<OptionsValidationException>(() => factory.Start());

        Assert.Equal(["Idp:Clients:0:Profile Fapi2 allows only https redirect URIs ('http://127.0.0.1:5100/cb' is not; http on loopback only in Development)."], refused.Failures);
    }
}
