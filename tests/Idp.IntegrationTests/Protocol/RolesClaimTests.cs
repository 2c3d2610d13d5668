using System.Net;
using System.Text.Json;
using Idp.Accounts;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Idp.IntegrationTests.Protocol;

/// <summary>The <c>roles</c> scope: staff roles (ASP.NET Identity roles) in the ID token, for clients allowed the scope.</summary>
public sealed class RolesClaimTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("staff-app", c =>
            {
                c.Secret = TestClients.Secret;
                c.AllowedScopes = ["openid", "profile", "roles", "offline_access"];
            }))
            .WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))
            .Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private async Task<IdpUser> StaffAsync(params string[] roles)
    {
        var user = await _idp.CreateUserAsync();
        await _idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            var result = await users.AddToRolesAsync((await users.FindByIdAsync(user.Id))!, roles);
            Assert.True(result.Succeeded);
        });
        return user;
    }

    [Fact]
    public async Task Discovery_ListsRolesScope()
    {
        using var http = _idp.CreateClient();
        var document = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Contains("roles", document.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task RolesScope_PutsTheUsersRolesInTheIdToken_AlsoAfterRefresh()
    {
        var user = await StaffAsync(StaffRoles.Helpdesk, StaffRoles.Supervisor);
        var rp = new TestRelyingParty(_idp, "staff-app");
        using var browser = _idp.CreateBrowser();
        await browser.GetAsync(rp.AuthorizeUrl(scope: "openid profile roles offline_access"));
        var code = rp.CodeFrom(await TestRelyingParty.SignInAsync(browser, browser.LastResponse, user));

        var (response, body) = await rp.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var idToken = await rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.Equal(["helpdesk", "supervisor"], idToken.GetPayloadValue<string[]>("roles"));

        var (refreshed, refreshedBody) = await rp.RefreshAsync(body.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var second = await rp.ValidateAsync(refreshedBody.GetProperty("id_token").GetString()!);
        Assert.Equal(["helpdesk", "supervisor"], second.GetPayloadValue<string[]>("roles"));
    }

    [Fact]
    public async Task WithoutRolesScope_NoRolesClaim()
    {
        var user = await StaffAsync(StaffRoles.Admin);
        var rp = new TestRelyingParty(_idp, "staff-app");
        using var browser = _idp.CreateBrowser();
        await browser.GetAsync(rp.AuthorizeUrl(scope: "openid profile"));
        var code = rp.CodeFrom(await TestRelyingParty.SignInAsync(browser, browser.LastResponse, user));

        var (_, body) = await rp.RedeemAsync(code);
        var idToken = await rp.ValidateAsync(body.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetPayloadValue<string[]>("roles", out _));
    }

    [Fact]
    public async Task RolesScope_NotAllowedForClient_IsRefused()
    {
        var rp = new TestRelyingParty(_idp, "portal");
        using var browser = _idp.CreateBrowser();
        var response = await browser.GetAsync(rp.AuthorizeUrl(scope: "openid roles"));
        Assert.Equal("invalid_scope", response.LocationParameter("error"));
    }
}
