using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Protocol;

/// <summary>RFC 6749 §3.2, §4.4, §5, §6 and RFC 9700 §4.14 (refresh token rotation).</summary>
public sealed class TokenEndpointTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c =>
            {
                c.Secret = TestClients.Secret;
                c.AllowedGrantTypes = ["authorization_code", "refresh_token", "client_credentials"];
                c.AllowedScopes = ["openid", "profile", "email", "offline_access", "api"];
            }))
            .WithClient(TestClients.Create("es-portal", c => { c.Secret = TestClients.Secret; c.SigningAlgorithm = "ES256"; c.AllowedGrantTypes = ["client_credentials", "refresh_token"]; c.AllowedScopes = ["api"]; }))
            .WithClient(TestClients.Create("spa"))
            .Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private async Task<System.Text.Json.JsonElement> SignInAndRedeemAsync()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (response, body) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body;
    }

    [Fact]
    public async Task Refresh_RotatesTokenAndIssuesNewIdTokenWithSameAuthTime()
    {
        var first = await SignInAndRedeemAsync();
        var firstId = await _rp.ValidateAsync(first.GetProperty("id_token").GetString()!);
        _idp.Clock.Advance(TimeSpan.FromMinutes(5));

        var (response, body) = await _rp.RefreshAsync(first.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(first.GetProperty("refresh_token").GetString(), body.GetProperty("refresh_token").GetString());
        var idToken = await _rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal(firstId.GetPayloadValue<long>("auth_time"), idToken.GetPayloadValue<long>("auth_time"));
        Assert.False(idToken.TryGetPayloadValue<string>("nonce", out _));
    }

    [Fact]
    public async Task Refresh_OfATokenStoredUnderItsHashAlone_AsBeforeTheTimeOrderedFormat_Rotates()
    {
        var first = await SignInAndRedeemAsync();
        var issuedBefore = Idp.Security.Hashing.RandomToken(32);
        var (storedId, formerId) = (Idp.Protocol.Token.RefreshTokenFormat.StorageId(first.GetProperty("refresh_token").GetString()!), Idp.Security.Hashing.Sha256(issuedBefore));
        Assert.Equal(1, await _idp.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE \"RefreshTokens\" SET \"Id\" = {formerId} WHERE \"Id\" = {storedId}")));

        _idp.Clock.Advance(TimeSpan.FromSeconds(1));
        var (response, body) = await _rp.RefreshAsync(issuedBefore);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var next = body.GetProperty("refresh_token").GetString()!;
        Assert.True(await _idp.WithDbAsync(db => db.RefreshTokens.AnyAsync(t => t.Id == formerId && t.ConsumedAt != null)));
        Assert.True(string.CompareOrdinal(Idp.Protocol.Token.RefreshTokenFormat.StorageId(next), storedId) > 0);
    }

    [Fact]
    public async Task Refresh_ReusedRotatedToken_RevokesTheWholeFamily()
    {
        var first = await SignInAndRedeemAsync();
        var original = first.GetProperty("refresh_token").GetString()!;
        var (_, rotated) = await _rp.RefreshAsync(original);
        var next = rotated.GetProperty("refresh_token").GetString()!;
        var nextAccess = rotated.GetProperty("access_token").GetString()!;

        var (reuse, error) = await _rp.RefreshAsync(original);
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());

        var (afterReuse, afterError) = await _rp.RefreshAsync(next);
        Assert.Equal("invalid_grant", afterError.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _rp.UserInfoAsync(nextAccess)).StatusCode);
    }

    [Fact]
    public async Task Refresh_NarrowerScope_IsGranted_WiderScopeIsRefused()
    {
        var first = await SignInAndRedeemAsync();
        var (narrow, narrowBody) = await _rp.RefreshAsync(first.GetProperty("refresh_token").GetString()!, "openid profile");
        Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
        Assert.Equal("openid profile", narrowBody.GetProperty("scope").GetString());
        var (wide, wideBody) = await _rp.RefreshAsync(narrowBody.GetProperty("refresh_token").GetString()!, "openid api");
        Assert.Equal("invalid_scope", wideBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Refresh_WhileTheUserIsLockedOut_IsRefused_AndTheSameTokenWorksOnceTheLockoutEnds()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (_, first) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user)));
        var refreshToken = first.GetProperty("refresh_token").GetString()!;
        await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LockoutEnd, _idp.Clock.GetUtcNow().AddMinutes(10))));

        var (locked, lockedBody) = await _rp.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, locked.StatusCode);
        Assert.Equal("invalid_grant", lockedBody.GetProperty("error").GetString());
        Assert.Contains("can no longer sign in", lockedBody.GetProperty("error_description").GetString());

        // The refusal wrote nothing (PostgreSQL: the one-statement exchange was undone), so this is no reuse.
        _idp.Clock.Advance(TimeSpan.FromMinutes(11));
        var (after, afterBody) = await _rp.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var (next, _) = await _rp.RefreshAsync(afterBody.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Code_WhileTheUserIsLockedOut_IsRefused_AndTheSameCodeWorksOnceUnlocked()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var code = _rp.CodeFrom(await _rp.AuthorizeAsync(browser, user));
        await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LockoutEnd, _idp.Clock.GetUtcNow().AddMinutes(10))));

        var (locked, lockedBody) = await _rp.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.BadRequest, locked.StatusCode);
        Assert.Equal("invalid_grant", lockedBody.GetProperty("error").GetString());
        Assert.Contains("can no longer sign in", lockedBody.GetProperty("error_description").GetString());

        // The refusal wrote nothing (PostgreSQL: the one-statement redemption was undone), so this is no replay.
        await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null)));
        var (after, afterBody) = await _rp.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var (refreshed, _) = await _rp.RefreshAsync(afterBody.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task Refresh_TokenOfAnotherClient_IsRefused()
    {
        var first = await SignInAndRedeemAsync();
        var other = new TestRelyingParty(_idp, "es-portal");
        var (_, body) = await other.PostAsync("/connect/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = first.GetProperty("refresh_token").GetString()! });
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClientCredentials_IssuesJwtAccessTokenWithoutUser()
    {
        var (response, body) = await _rp.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.TryGetProperty("refresh_token", out _));
        Assert.False(body.TryGetProperty("id_token", out _));
        var token = await _rp.ValidateAsync(body.GetProperty("access_token").GetString()!, IdpFactory.Issuer + "/resources", "at+jwt");
        Assert.Equal("RS256", token.Alg);
        Assert.Equal("portal", token.Subject);
        Assert.Equal("api", token.GetClaim("scope").Value);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _rp.UserInfoAsync(body.GetProperty("access_token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_Es256Client_SignsWithEs256()
    {
        var rp = new TestRelyingParty(_idp, "es-portal");
        var (_, body) = await rp.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" }, basic: false);
        var token = await rp.ValidateAsync(body.GetProperty("access_token").GetString()!, IdpFactory.Issuer + "/resources", "at+jwt");
        Assert.Equal("ES256", token.Alg);
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("offline_access")]
    [InlineData("admin")]
    public async Task ClientCredentials_UserOrUnknownScope_IsInvalidScope(string scope)
    {
        var (_, body) = await _rp.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = scope });
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClientCredentials_PublicClient_IsUnauthorized()
    {
        var spa = new TestRelyingParty(_idp, "spa", secret: null);
        var (response, body) = await spa.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WrongSecretWithBasic_Is401WithBasicChallenge()
    {
        var wrong = new TestRelyingParty(_idp, "portal", secret: "not-the-secret");
        var (response, body) = await wrong.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Token_UnknownClient_Is401LikeAWrongSecret()
    {
        var unknown = new TestRelyingParty(_idp, "nobody");
        var (response, body) = await unknown.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials" }, basic: false);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_TwoAuthenticationMethods_IsInvalidRequest()
    {
        using var http = _idp.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_secret"] = TestClients.Secret }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("portal:" + TestClients.Secret)));
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null, "invalid_request")]
    [InlineData("password", "unsupported_grant_type")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code", "unsupported_grant_type")]
    public async Task Token_MissingOrUnsupportedGrantType_IsRefused(string? grantType, string error)
    {
        var form = new Dictionary<string, string>();
        if (grantType is not null)
            form["grant_type"] = grantType;
        var (_, body) = await _rp.PostAsync("/connect/token", form);
        Assert.Equal(error, body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_JsonBody_IsInvalidRequestNot500()
    {
        using var http = _idp.CreateClient();
        var response = await http.PostAsync("/connect/token", new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_Get_IsMethodNotAllowed()
    {
        using var http = _idp.CreateClient();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync("/connect/token?grant_type=client_credentials")).StatusCode);
    }

    [Fact]
    public async Task Token_DuplicatedParameter_IsInvalidRequest()
    {
        using var http = _idp.CreateClient();
        var content = new StringContent("grant_type=client_credentials&grant_type=client_credentials&client_id=portal&client_secret=" + TestClients.Secret, Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await http.PostAsync("/connect/token", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync());
    }
}
