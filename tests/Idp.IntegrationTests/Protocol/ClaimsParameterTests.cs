using System.Text.Json;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// OpenID Connect Core §5.5: individual claims requested with the <c>claims</c> parameter are returned in the ID token
/// and the userinfo response when the user has them and the client may receive them.
/// </summary>
public sealed class ClaimsParameterTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _portal = null!;
    private TestRelyingParty _narrow = null!;
    private TestRelyingParty _thirdParty = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))
            .WithClient(TestClients.Create("narrow", c => { c.Secret = TestClients.Secret; c.AllowedScopes = ["openid", "offline_access"]; }))
            .WithClient(TestClients.Create("third", c => { c.Secret = TestClients.Secret; c.ThirdParty = true; }))
            .Start();
        _portal = new TestRelyingParty(_idp, "portal");
        _narrow = new TestRelyingParty(_idp, "narrow");
        _thirdParty = new TestRelyingParty(_idp, "third");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Claims_IdTokenEmail_WithScopeOpenIdOnly_IsReturned()
    {
        var user = await _idp.CreateUserAsync();
        var tokens = await SignInAsync(_portal, user, "openid offline_access", """{"id_token":{"email":null,"given_name":{"essential":true}}}""");
        var idToken = await _portal.ValidateAsync(tokens.GetProperty("id_token").GetString()!);

        Assert.Equal(user.Email, idToken.GetClaim("email").Value);
        Assert.Equal("Erika", idToken.GetClaim("given_name").Value);
        Assert.False(idToken.TryGetClaim("family_name", out _), "Only the requested claims of the profile scope are released.");

        // The refreshed ID token carries the same requested claims.
        var (refreshed, body) = await _portal.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.True(refreshed.IsSuccessStatusCode, body.ToString());
        var again = await _portal.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal(user.Email, again.GetClaim("email").Value);
    }

    [Fact]
    public async Task Claims_UserInfoRequest_IsAnsweredByUserInfo_NotInTheIdToken()
    {
        var user = await _idp.CreateUserAsync();
        var tokens = await SignInAsync(_portal, user, "openid", """{"userinfo":{"family_name":null,"email_verified":null,"unknown_claim":null}}""");
        var idToken = await _portal.ValidateAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetClaim("family_name", out _));

        var response = await _portal.UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        var userInfo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Mustermann", userInfo.GetProperty("family_name").GetString());
        Assert.True(userInfo.GetProperty("email_verified").GetBoolean());
        Assert.False(userInfo.TryGetProperty("unknown_claim", out _));
        Assert.False(userInfo.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Claims_OutsideTheClientsAllowedScopes_AreNotReleased()
    {
        var user = await _idp.CreateUserAsync();
        var tokens = await SignInAsync(_narrow, user, "openid", """{"id_token":{"email":null},"userinfo":{"name":null}}""");
        var idToken = await _narrow.ValidateAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetClaim("email", out _));
        var response = await _narrow.UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        var userInfo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(userInfo.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Claims_ThirdPartyClient_OnlyWithinTheScopesTheUserGranted()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var consent = await _thirdParty.AuthorizeAsync(browser, user, _thirdParty.AuthorizeUrl(scope: "openid profile",
            extra: ("claims", """{"id_token":{"email":null,"name":null}}""")));
        Assert.Equal("/consent", consent.Url.AbsolutePath);
        var (response, body) = await _thirdParty.RedeemAsync(_thirdParty.CodeFrom(await browser.SubmitFormAsync(consent, "#consent-form")));
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var idToken = await _thirdParty.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal("Erika Mustermann", idToken.GetClaim("name").Value);
        Assert.False(idToken.TryGetClaim("email", out _), "A third-party client got a claim of a scope the user did not grant.");
    }

    [Theory]
    [InlineData("""{"id_token":{"email":5}}""")]
    [InlineData("""{"userinfo":[]}""")]
    [InlineData("""{"id_token":{"email":{"essential":"yes"}}}""")]
    [InlineData("""{"id_token":{"acr":{"values":"urn:idp:acr:mfa"}}}""")]
    public async Task Claims_Malformed_IsInvalidRequest(string claims)
    {
        using var browser = _idp.CreateBrowser();
        var answer = await browser.GetAsync(_portal.AuthorizeUrl(extra: ("claims", claims)));
        Assert.True(answer.IsExternalRedirect);
        Assert.Equal("invalid_request", answer.LocationQuery["error"]);
    }

    private async Task<JsonElement> SignInAsync(TestRelyingParty rp, Data.Entities.IdpUser user, string scope, string claims)
    {
        using var browser = _idp.CreateBrowser();
        var redirect = await rp.AuthorizeAsync(browser, user, rp.AuthorizeUrl(scope: scope, extra: ("claims", claims)));
        var (response, body) = await rp.RedeemAsync(rp.CodeFrom(redirect));
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }
}
