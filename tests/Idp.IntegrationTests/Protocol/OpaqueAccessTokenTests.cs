using System.Net;
using System.Buffers.Text;
using System.Text.Json;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// <c>UserInfoAccessTokens: Opaque</c>: a user's access token whose scopes are all OpenID Connect scopes is sealed, not
/// signed. Userinfo, introspection (RFC 7662) and revocation (RFC 7009) accept it as they accept a JWT; a token for an
/// API scope and a client_credentials token stay RFC 9068 JWTs.
/// </summary>
public sealed class OpaqueAccessTokenTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _portal = null!;
    private TestRelyingParty _api = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c =>
            {
                c.Secret = TestClients.Secret;
                c.UserInfoAccessTokens = AccessTokenFormat.Opaque;
                c.AllowedGrantTypes = ["authorization_code", "refresh_token", "client_credentials"];
                c.AllowedScopes = ["openid", "profile", "email", "offline_access", "api"];
            }))
            .WithClient(TestClients.Create("api", c => { c.Secret = TestClients.Secret; c.AllowedGrantTypes = ["client_credentials"]; c.AllowedScopes = []; }))
            .Start();
        _portal = new TestRelyingParty(_idp, "portal");
        _api = new TestRelyingParty(_idp, "api");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private async Task<JsonElement> TokensAsync(string scope = "openid profile email offline_access")
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (response, body) = await _portal.RedeemAsync(_portal.CodeFrom(await _portal.AuthorizeAsync(browser, user, _portal.AuthorizeUrl(scope))));
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private async Task<JsonElement> IntrospectAsync(string token) => (await _api.PostAsync("/connect/introspect", new() { ["token"] = token })).Body;

    [Fact]
    public async Task CodeFlow_OpenIdScopesOnly_GivesAnOpaqueTokenThatUserInfoAccepts()
    {
        var tokens = await TokensAsync();
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        Assert.DoesNotContain('.', accessToken);
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        var idToken = await _portal.ValidateAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(TokenIssuer.LeftHalfHash(accessToken), idToken.GetClaim("at_hash").Value);
        var userInfo = await _portal.UserInfoAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, userInfo.StatusCode);
        Assert.Equal(idToken.Subject, JsonDocument.Parse(await userInfo.Content.ReadAsStringAsync()).RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Introspection_ReportsTheSealedClaims()
    {
        var tokens = await TokensAsync();
        var idToken = await _portal.ValidateAsync(tokens.GetProperty("id_token").GetString()!);

        var active = await IntrospectAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("portal", active.GetProperty("client_id").GetString());
        Assert.Equal(idToken.Subject, active.GetProperty("sub").GetString());
        Assert.Equal(IdpFactory.Issuer, active.GetProperty("iss").GetString());
        Assert.Equal("openid profile email offline_access", active.GetProperty("scope").GetString());
        Assert.Equal(idToken.GetClaim("acr").Value, active.GetProperty("acr").GetString());
        Assert.Equal(idToken.GetClaim("sid").Value, active.GetProperty("sid").GetString());
        Assert.NotEmpty(active.GetProperty("amr").EnumerateArray());
        Assert.True(active.GetProperty("exp").GetInt64() > _idp.Clock.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Refresh_GivesAnotherOpaqueToken()
    {
        var tokens = await TokensAsync();

        var (response, refreshed) = await _portal.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accessToken = refreshed.GetProperty("access_token").GetString()!;
        Assert.DoesNotContain('.', accessToken);
        Assert.NotEqual(tokens.GetProperty("access_token").GetString(), accessToken);
        Assert.Equal(HttpStatusCode.OK, (await _portal.UserInfoAsync(accessToken)).StatusCode);
    }

    [Fact]
    public async Task ApiScope_AndClientCredentials_StayJwts()
    {
        var tokens = await TokensAsync("openid api");
        var (_, clientCredentials) = await _portal.PostAsync("/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "api" });

        foreach (var accessToken in new[] { tokens.GetProperty("access_token").GetString()!, clientCredentials.GetProperty("access_token").GetString()! })
        {
            var jwt = await _portal.ValidateAsync(accessToken, audience: IdpFactory.Issuer + "/resources", type: TokenIssuer.AccessTokenType);
            Assert.Contains("api", jwt.GetClaim("scope").Value.Split(' '));
        }
    }

    [Fact]
    public async Task Revocation_StopsUserInfoAndIntrospection()
    {
        var accessToken = (await TokensAsync()).GetProperty("access_token").GetString()!;

        var (response, _) = await _portal.PostAsync("/connect/revocation", new() { ["token"] = accessToken, ["token_type_hint"] = "access_token" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _portal.UserInfoAsync(accessToken)).StatusCode);
        Assert.False((await IntrospectAsync(accessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task ExpiredToken_IsRefused()
    {
        var accessToken = (await TokensAsync()).GetProperty("access_token").GetString()!;

        _idp.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.Unauthorized, (await _portal.UserInfoAsync(accessToken)).StatusCode);
        Assert.False((await IntrospectAsync(accessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task AlteredToken_OrClaimsSealedForAnotherPurpose_AreRefused()
    {
        var tokens = await TokensAsync();
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var altered = accessToken[..20] + (accessToken[20] == 'A' ? 'B' : 'A') + accessToken[21..];
        var subject = (await _portal.ValidateAsync(tokens.GetProperty("id_token").GetString()!)).Subject;
        var now = _idp.Clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject, ["client_id"] = "portal", ["jti"] = "forged", ["scope"] = "openid",
            ["iss"] = IdpFactory.Issuer, ["aud"] = IdpFactory.Issuer + "/resources", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        };
        var sealedByIdp = _idp.Services.GetRequiredService<OpaqueAccessTokens>().Seal(claims);
        // The same claims sealed with the application's keys under another purpose, as a cookie or antiforgery token is.
        var otherPurpose = Base64Url.EncodeToString(_idp.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("Some.Other.Purpose").Protect(JsonSerializer.SerializeToUtf8Bytes(claims)));

        Assert.Equal(HttpStatusCode.OK, (await _portal.UserInfoAsync(sealedByIdp)).StatusCode);
        foreach (var token in new[] { altered, otherPurpose, "not-a-token" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await _portal.UserInfoAsync(token)).StatusCode);
            Assert.False((await IntrospectAsync(token)).GetProperty("active").GetBoolean());
        }
    }
}
