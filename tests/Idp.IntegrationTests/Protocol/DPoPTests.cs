using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Protocol;

/// <summary>DPoP (RFC 9449) end to end: the token endpoint (§5), bound refresh tokens, userinfo (§7), introspection (§6.2).</summary>
public sealed class DPoPTests : IAsyncLifetime, IDisposable
{
    private const string TokenUrl = IdpFactory.Issuer + "/connect/token";
    private const string UserInfoUrl = IdpFactory.Issuer + "/connect/userinfo";
    private readonly IdpFactory _idp = new();
    private readonly TestDPoPKey _key = TestDPoPKey.Ec();
    private readonly TestDPoPKey _otherKey = TestDPoPKey.Rsa();

    public Task InitializeAsync()
    {
        _idp.WithClient("dpop-public")
            .WithClient("dpop-confidential", c => c.Secret = TestClients.Secret)
            .WithClient("dpop-required", c => c.RequireDPoP = true)
            .WithClient("dpop-opaque", c => c.UserInfoAccessTokens = AccessTokenFormat.Opaque)
            .WithClient("resource", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = ["api"]; })
            .Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    private DateTimeOffset Now => _idp.Clock.GetUtcNow();

    private async Task<(HttpResponseMessage Response, JsonElement Body)> TokenAsync(string clientId, Dictionary<string, string> form, string? proof, bool confidential = false)
    {
        using var http = _idp.CreateClient();
        form = new Dictionary<string, string>(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token");
        if (confidential)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{TestClients.Secret}")));
        else
            form["client_id"] = clientId;
        request.Content = new FormUrlEncodedContent(form);
        if (proof is not null)
            request.Headers.Add("DPoP", proof);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private async Task<(TestRelyingParty Rp, string Code)> CodeAsync(string clientId)
    {
        var rp = new TestRelyingParty(_idp, clientId, secret: clientId == "dpop-confidential" ? TestClients.Secret : null);
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        return (rp, rp.CodeFrom(await rp.AuthorizeAsync(browser, user)));
    }

    private async Task<JsonElement> RedeemAsync(string clientId, TestDPoPKey? key, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (rp, code) = await CodeAsync(clientId);
        var (response, body) = await TokenAsync(clientId, new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = rp.Verifier, ["redirect_uri"] = rp.RedirectUri,
        }, key?.Proof("POST", TokenUrl, Now), confidential: clientId == "dpop-confidential");
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        return body;
    }

    private Task<(HttpResponseMessage Response, JsonElement Body)> RefreshAsync(string clientId, JsonElement tokens, TestDPoPKey? key) =>
        TokenAsync(clientId, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! },
            key?.Proof("POST", TokenUrl, Now), confidential: clientId == "dpop-confidential");

    private static string? Jkt(JsonElement tokens)
    {
        var claims = TestClientKey.Claims(tokens.GetProperty("access_token").GetString()!);
        return claims.TryGetValue("cnf", out var cnf) && cnf is JsonElement element ? element.GetProperty("jkt").GetString() : null;
    }

    private async Task<HttpResponseMessage> UserInfoAsync(string scheme, string accessToken, string? proof)
    {
        using var http = _idp.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, accessToken);
        if (proof is not null)
            request.Headers.Add("DPoP", proof);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task CodeFlow_WithProof_IssuesDPoPBoundAccessToken()
    {
        var tokens = await RedeemAsync("dpop-public", _key);

        Assert.Equal("DPoP", tokens.GetProperty("token_type").GetString());
        Assert.Equal(_key.Thumbprint(), Jkt(tokens));
        var refreshHash = Idp.Protocol.Token.RefreshTokenFormat.StorageId(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(_key.Thumbprint(), await _idp.WithDbAsync(db => db.RefreshTokens.Where(t => t.Id == refreshHash).Select(t => t.DPoPJkt).SingleAsync()));
    }

    [Fact]
    public async Task CodeFlow_WithoutProof_StaysBearer()
    {
        var tokens = await RedeemAsync("dpop-public", null);

        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Null(Jkt(tokens));
    }

    [Fact]
    public async Task Refresh_PublicClient_WithTheSameKey_IssuesBoundTokens()
    {
        var tokens = await RedeemAsync("dpop-public", _key);

        var (response, refreshed) = await RefreshAsync("dpop-public", tokens, _key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DPoP", refreshed.GetProperty("token_type").GetString());
        Assert.Equal(_key.Thumbprint(), Jkt(refreshed));
        var (again, _) = await RefreshAsync("dpop-public", refreshed, _key);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Refresh_PublicClient_WithAnotherKeyOrNoProof_IsInvalidGrant()
    {
        var tokens = await RedeemAsync("dpop-public", _key);

        var (otherKey, otherBody) = await RefreshAsync("dpop-public", tokens, _otherKey);
        var (noProof, noProofBody) = await RefreshAsync("dpop-public", tokens, null);

        Assert.Equal(HttpStatusCode.BadRequest, otherKey.StatusCode);
        Assert.Equal("invalid_grant", otherBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noProof.StatusCode);
        Assert.Equal("invalid_grant", noProofBody.GetProperty("error").GetString());
        // The refused attempts spent nothing: the holder of the key still refreshes.
        var (good, _) = await RefreshAsync("dpop-public", tokens, _key);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Refresh_ConfidentialClient_IsNotBound_AndAProofBindsTheNewAccessToken()
    {
        var tokens = await RedeemAsync("dpop-confidential", _key);
        Assert.Equal(_key.Thumbprint(), Jkt(tokens));

        // RFC 9449 §5: a confidential client's refresh token is not bound to the key.
        var (withOtherKey, rebound) = await RefreshAsync("dpop-confidential", tokens, _otherKey);
        Assert.Equal(HttpStatusCode.OK, withOtherKey.StatusCode);
        Assert.Equal("DPoP", rebound.GetProperty("token_type").GetString());
        Assert.Equal(_otherKey.Thumbprint(), Jkt(rebound));

        var (withoutProof, bearer) = await RefreshAsync("dpop-confidential", rebound, null);
        Assert.Equal(HttpStatusCode.OK, withoutProof.StatusCode);
        Assert.Equal("Bearer", bearer.GetProperty("token_type").GetString());
        Assert.Null(Jkt(bearer));
    }

    [Fact]
    public async Task Token_RequireDPoPClientWithoutProof_IsRefused()
    {
        var body = await RedeemAsync("dpop-required", null, HttpStatusCode.BadRequest);

        Assert.Equal("invalid_dpop_proof", body.GetProperty("error").GetString());
        var bound = await RedeemAsync("dpop-required", _key);
        Assert.Equal("DPoP", bound.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task Token_BadProof_IsInvalidDPoPProof_AndKeepsTheCode()
    {
        var (rp, code) = await CodeAsync("dpop-public");
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = rp.Verifier, ["redirect_uri"] = rp.RedirectUri };

        var (wrongUrl, body) = await TokenAsync("dpop-public", form, _key.Proof("POST", UserInfoUrl, Now));

        Assert.Equal(HttpStatusCode.BadRequest, wrongUrl.StatusCode);
        Assert.Equal("invalid_dpop_proof", body.GetProperty("error").GetString());
        var (good, _) = await TokenAsync("dpop-public", form, _key.Proof("POST", TokenUrl, Now));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Token_ReplayedProof_IsRefused()
    {
        var tokens = await RedeemAsync("dpop-public", _key);
        var proof = _key.Proof("POST", TokenUrl, Now);
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! };
        var (first, refreshed) = await TokenAsync("dpop-public", form, proof);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        form["refresh_token"] = refreshed.GetProperty("refresh_token").GetString()!;
        var (replayed, body) = await TokenAsync("dpop-public", form, proof);

        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal("invalid_dpop_proof", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_TwoDPoPHeaders_AreRefused() // §4.3 check 1
    {
        var (rp, code) = await CodeAsync("dpop-public");
        using var http = _idp.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = "dpop-public", ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = rp.Verifier, ["redirect_uri"] = rp.RedirectUri,
            }),
        };
        request.Headers.Add("DPoP", [_key.Proof("POST", TokenUrl, Now), _key.Proof("POST", TokenUrl, Now)]);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_dpop_proof", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UserInfo_WithDPoPSchemeAndProof_ReturnsClaims()
    {
        var accessToken = (await RedeemAsync("dpop-public", _key)).GetProperty("access_token").GetString()!;

        var response = await UserInfoAsync("DPoP", accessToken, _key.Proof("GET", UserInfoUrl, Now, accessToken: accessToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"sub\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UserInfo_BoundTokenAsBearer_IsRefused() // §7.2
    {
        var accessToken = (await RedeemAsync("dpop-public", _key)).GetProperty("access_token").GetString()!;

        var response = await UserInfoAsync("Bearer", accessToken, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("DPoP ", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task OpaqueBoundToken_NeedsItsProofAtUserInfo()
    {
        var tokens = await RedeemAsync("dpop-opaque", _key);
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        Assert.DoesNotContain('.', accessToken);
        Assert.Equal("DPoP", tokens.GetProperty("token_type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserInfoAsync("Bearer", accessToken, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserInfoAsync("DPoP", accessToken, _otherKey.Proof("GET", UserInfoUrl, Now, accessToken: accessToken))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await UserInfoAsync("DPoP", accessToken, _key.Proof("GET", UserInfoUrl, Now, accessToken: accessToken))).StatusCode);
    }

    [Fact]
    public async Task UserInfo_WrongAthOrOtherKeyOrNoProof_IsInvalidDPoPProof()
    {
        var accessToken = (await RedeemAsync("dpop-public", _key)).GetProperty("access_token").GetString()!;

        var wrongAth = await UserInfoAsync("DPoP", accessToken, _key.Proof("GET", UserInfoUrl, Now, accessToken: "another"));
        var otherKey = await UserInfoAsync("DPoP", accessToken, _otherKey.Proof("GET", UserInfoUrl, Now, accessToken: accessToken));
        var noProof = await UserInfoAsync("DPoP", accessToken, null);
        var wrongMethod = await UserInfoAsync("DPoP", accessToken, _key.Proof("POST", UserInfoUrl, Now, accessToken: accessToken));

        foreach (var response in new[] { wrongAth, otherKey, noProof, wrongMethod })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("DPoP ", response.Headers.WwwAuthenticate.ToString());
            Assert.Contains("error=\"invalid_dpop_proof\"", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task UserInfo_BearerTokenWithDPoPScheme_IsRefused()
    {
        var accessToken = (await RedeemAsync("dpop-public", null)).GetProperty("access_token").GetString()!;

        var response = await UserInfoAsync("DPoP", accessToken, _key.Proof("GET", UserInfoUrl, Now, accessToken: accessToken));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await UserInfoAsync("Bearer", accessToken, null)).StatusCode);
    }

    [Fact]
    public async Task Introspection_BoundTokens_ReportCnf() // §6.2, RFC 7800
    {
        var tokens = await RedeemAsync("dpop-public", _key);
        var resource = new TestRelyingParty(_idp, "resource");

        var (_, access) = await resource.PostAsync("/connect/introspect", new() { ["token"] = tokens.GetProperty("access_token").GetString()! });

        Assert.True(access.GetProperty("active").GetBoolean());
        Assert.Equal("DPoP", access.GetProperty("token_type").GetString());
        Assert.Equal(_key.Thumbprint(), access.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task Discovery_ListsDPoPAlgorithms()
    {
        using var http = _idp.CreateClient();
        var document = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration")).RootElement;

        var algorithms = document.GetProperty("dpop_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()).ToArray();
        Assert.Contains("ES256", algorithms);
        Assert.DoesNotContain("HS256", algorithms);
        Assert.DoesNotContain("none", algorithms);
    }
}
