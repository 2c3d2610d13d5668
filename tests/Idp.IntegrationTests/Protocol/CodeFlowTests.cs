using System.Net;
using System.Text.Json;
using Idp.Authentication;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Protocol;

/// <summary>The authorization code flow end to end (OpenID Connect Core §3.1, RFC 6749 §4.1, RFC 7636, RFC 9207).</summary>
public sealed class CodeFlowTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task CodeFlow_SignInWithPassword_IssuesValidatedIdTokenWithPasswordAmr()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();

        var signIn = await browser.GetAsync(_rp.AuthorizeUrl());
        Assert.Equal("/signin", signIn.Url.AbsolutePath);
        Assert.Contains("Test portal portal", signIn.Body);
        var code = _rp.CodeFrom(await TestRelyingParty.SignInAsync(browser, signIn, user));

        var (response, body) = await _rp.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        var accessToken = body.GetProperty("access_token").GetString()!;
        Assert.True(body.TryGetProperty("refresh_token", out _));

        var idToken = await _rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal(user.Id, idToken.Subject);
        Assert.Equal("nonce-1", idToken.GetClaim("nonce").Value);
        Assert.Equal("portal", idToken.GetClaim("azp").Value);
        Assert.Equal(Idp.Protocol.Tokens.TokenIssuer.LeftHalfHash(accessToken), idToken.GetClaim("at_hash").Value);
        Assert.Equal(AuthenticationLevels.PasswordAcr, idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd"], idToken.GetPayloadValue<string[]>("amr"));
        Assert.Equal(_idp.Clock.GetUtcNow().ToUnixTimeSeconds(), idToken.GetPayloadValue<long>("auth_time"));
        Assert.False(string.IsNullOrEmpty(idToken.GetClaim("sid").Value));
        Assert.Equal("Erika Mustermann", idToken.GetClaim("name").Value);
        Assert.Equal(user.Email, idToken.GetClaim("email").Value);

        var access = await _rp.ValidateAsync(accessToken, audience: IdpFactory.Issuer + "/resources", type: "at+jwt");
        Assert.Equal("portal", access.GetClaim("client_id").Value);

        var userInfo = await _rp.UserInfoAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, userInfo.StatusCode);
        var claims = JsonDocument.Parse(await userInfo.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(user.Id, claims.GetProperty("sub").GetString());
        Assert.Equal("Erika", claims.GetProperty("given_name").GetString());
        Assert.True(claims.GetProperty("email_verified").GetBoolean());
    }

    [Fact]
    public async Task Authorize_WithSession_IssuesCodeWithoutSignInAgain()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));

        var second = await browser.GetAsync(_rp.AuthorizeUrl(state: "state-2"));
        Assert.Equal("state-2", second.LocationQuery["state"]);
        Assert.True(second.LocationQuery.ContainsKey("code"));
    }

    [Fact]
    public async Task Authorize_Post_IsAcceptedLikeGet()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var query = new Uri("http://localhost" + _rp.AuthorizeUrl()).Query.TrimStart('?').Split('&')
            .Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], Uri.UnescapeDataString(p[1])));
        var response = await browser.PostFormAsync("/connect/authorize", query, followRedirects: false);
        _rp.CodeFrom(response);
    }

    [Fact]
    public async Task Authorize_FormPostMode_RendersAutoSubmittingFormToClient()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var response = await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(extra: ("response_mode", "form_post")));
        var form = response.FormPost("form");
        Assert.Equal(TestClients.RedirectUri, form.Action.ToString());
        Assert.Equal("state-1", form["state"]);
        Assert.Equal(IdpFactory.Issuer, form["iss"]);
        var (tokens, _) = await _rp.RedeemAsync(form["code"]!);
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        Assert.DoesNotContain("<script>", response.Body);
    }

    [Fact]
    public async Task Token_ReusedCode_FailsAndRevokesWhatTheFirstRedemptionIssued()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var (_, first) = await _rp.RedeemAsync(code);
        var accessToken = first.GetProperty("access_token").GetString()!;
        var refreshToken = first.GetProperty("refresh_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _rp.UserInfoAsync(accessToken)).StatusCode);

        var (replay, error) = await _rp.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _rp.UserInfoAsync(accessToken)).StatusCode);
        var (refresh, refreshError) = await _rp.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", refreshError.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_ConcurrentRedemptions_ExactlyOneSucceeds()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _rp.RedeemAsync(code)));
        Assert.Single(results, r => r.Response.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Response.StatusCode != HttpStatusCode.OK), r => Assert.Equal("invalid_grant", r.Body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Token_CodeOlderThan60Seconds_IsRefused()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        _idp.Clock.Advance(TimeSpan.FromSeconds(61));
        var (response, body) = await _rp.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("wrong-verifier-wrong-verifier-wrong-verifier-wrong")]
    [InlineData("")]
    public async Task Token_WrongOrMissingPkceVerifier_IsRefused(string verifier)
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var (response, body) = await _rp.PostAsync("/connect/token", new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = _rp.RedirectUri, ["code_verifier"] = verifier,
        });
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        // The right verifier still works afterwards: a failed attempt does not burn the code.
        Assert.Equal(HttpStatusCode.OK, (await _rp.RedeemAsync(code)).Response.StatusCode);
    }

    [Fact]
    public async Task Token_RedirectUriDifferentFromAuthorizeRequest_IsRefused()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var (_, body) = await _rp.RedeemAsync(code, redirectUri: "https://client.example/other");
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_CodeOfAnotherClient_IsRefused()
    {
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))
            .WithClient(TestClients.Create("other", c => c.Secret = TestClients.Secret)).Start();
        var rp = new TestRelyingParty(idp, "portal");
        var other = new TestRelyingParty(idp, "other");
        var user = await idp.CreateUserAsync();
        using var browser = idp.CreateBrowser();
        var code = rp.CodeFrom(await rp.AuthorizeAsync(browser, user));
        var (_, body) = await other.RedeemAsync(code, verifier: rp.Verifier);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Authorize_UnknownClient_ShowsErrorPageAndNeverRedirects()
    {
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync(_rp.AuthorizeUrl().Replace("client_id=portal", "client_id=unknown"), followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Location);
        Assert.Contains("invalid_client", response.Body);
    }

    [Fact]
    public async Task Authorize_UnregisteredRedirectUri_ShowsErrorPageAndNeverRedirects()
    {
        using var browser = _idp.CreateBrowser();
        var url = _rp.AuthorizeUrl().Replace(Uri.EscapeDataString(TestClients.RedirectUri), Uri.EscapeDataString("https://evil.example/cb"));
        var response = await browser.GetAsync(url, followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Location);
    }

    [Fact]
    public async Task Authorize_UnsupportedResponseType_GoesBackToClientWithStateAndIss()
    {
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync(_rp.AuthorizeUrl().Replace("response_type=code", "response_type=token"), followRedirects: false);
        Assert.True(response.IsExternalRedirect);
        Assert.Equal("unsupported_response_type", response.LocationQuery["error"]);
        Assert.Equal("state-1", response.LocationQuery["state"]);
        Assert.Equal(IdpFactory.Issuer, response.LocationQuery["iss"]);
    }

    [Theory]
    [InlineData("/connect/authorize?client_id=portal&client_id=portal")]
    [InlineData("/connect/authorize?client_id=%FF%FE")]
    [InlineData("/connect/authorize")]
    public async Task Authorize_MalformedInput_IsA400PageNeverA500(string url)
    {
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync(url, followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Location);
    }

    [Fact]
    public async Task Authorize_OversizedParameter_IsA400PageNeverA500()
    {
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync(_rp.AuthorizeUrl(state: new string('x', 5000)), followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Location);
    }

    [Fact]
    public async Task Authorize_PromptNoneWithoutSession_AnswersLoginRequired()
    {
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "none")), followRedirects: false);
        Assert.True(response.IsExternalRedirect);
        Assert.Equal("login_required", response.LocationQuery["error"]);
        Assert.Equal("state-1", response.LocationQuery["state"]);
        Assert.Equal(IdpFactory.Issuer, response.LocationQuery["iss"]);
    }

    [Fact]
    public async Task Authorize_PromptLogin_AsksForThePasswordAgainAndRenewsAuthTime()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        _idp.Clock.Advance(TimeSpan.FromMinutes(10));

        var again = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("prompt", "login")));
        Assert.Equal("/signin", again.Url.AbsolutePath);
        var code = _rp.CodeFrom(await TestRelyingParty.SignInAsync(browser, again, user));
        var (_, body) = await _rp.RedeemAsync(code);
        var idToken = await _rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal(_idp.Clock.GetUtcNow().ToUnixTimeSeconds(), idToken.GetPayloadValue<long>("auth_time"));
    }

    [Fact]
    public async Task Authorize_MaxAgeExceeded_AsksForSignInAgain()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        _idp.Clock.Advance(TimeSpan.FromSeconds(301));
        var response = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("max_age", "300")));
        Assert.Equal("/signin", response.Url.AbsolutePath);

        var noneResponse = await browser.GetAsync(_rp.AuthorizeUrl(extra: [("max_age", "300"), ("prompt", "none")]), followRedirects: false);
        Assert.Equal("login_required", noneResponse.LocationQuery["error"]);
    }

    [Fact]
    public async Task Authorize_MaxAgeZero_SucceedsRightAfterSigningIn()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var response = await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(extra: ("max_age", "0")));
        _rp.CodeFrom(response);
    }

    [Fact]
    public async Task Authorize_EssentialAcrAboveWhatUserCanReach_AnswersUnmetAuthenticationRequirements()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var claims = "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"" + AuthenticationLevels.PhishingResistantAcr + "\"]}}}";
        var response = await browser.GetAsync(_rp.AuthorizeUrl(extra: ("claims", claims)), followRedirects: false);
        Assert.Equal("unmet_authentication_requirements", response.LocationQuery["error"]);
    }

    [Fact]
    public async Task Authorize_VoluntaryAcrValuesAboveWhatUserCanReach_StillSignsIn()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var response = await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(extra: ("acr_values", AuthenticationLevels.SecondFactorAcr)));
        var (_, body) = await _rp.RedeemAsync(_rp.CodeFrom(response));
        var idToken = await _rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal(AuthenticationLevels.PasswordAcr, idToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task Authorize_IdTokenHintOfAnotherUser_AnswersLoginRequiredWithPromptNone()
    {
        var alice = await _idp.CreateUserAsync();
        var bob = await _idp.CreateUserAsync();
        using var aliceBrowser = _idp.CreateBrowser();
        var (_, aliceTokens) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(aliceBrowser, alice)));
        using var bobBrowser = _idp.CreateBrowser();
        _rp.CodeFrom(await _rp.AuthorizeAsync(bobBrowser, bob));

        var response = await bobBrowser.GetAsync(_rp.AuthorizeUrl(extra: [("prompt", "none"), ("id_token_hint", aliceTokens.GetProperty("id_token").GetString()!)]), followRedirects: false);
        Assert.Equal("login_required", response.LocationQuery["error"]);
    }

    [Fact]
    public async Task SignIn_ResumeUrlUsedTwice_DoesNotIssueASecondCode()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var signIn = await browser.GetAsync(_rp.AuthorizeUrl());
        var requestId = signIn.Url.QueryParameters()["request_id"];
        _rp.CodeFrom(await TestRelyingParty.SignInAsync(browser, signIn, user));
        var again = await browser.GetAsync($"/connect/authorize/resume?request_id={Uri.EscapeDataString(requestId)}", followRedirects: false);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Null(again.Location);
    }

    [Fact]
    public async Task Authorize_StoresOnlyTheHashOfCodes()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        var stored = await _idp.WithDbAsync(db => db.AuthorizationCodes.AsNoTracking().Select(c => c.Id).ToListAsync());
        Assert.DoesNotContain(code, stored);
        Assert.Contains(Idp.Security.Hashing.Sha256(code), stored);
    }
}
