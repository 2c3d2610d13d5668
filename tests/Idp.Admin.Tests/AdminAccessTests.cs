using System.Net;
using Idp.Admin.Tests.Infrastructure;
using Idp.Authentication;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.Admin.Tests;

/// <summary>Who gets into the admin area: staff roles from Idp's ID token, the required level by step-up, and 403 otherwise.</summary>
public sealed class AdminAccessTests
{
    [Fact]
    public async Task Helpdesk_SignsInThroughIdp_AndSeesTheQueue()
    {
        await using var world = AdminWorld.Start();
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        using var browser = world.CreateBrowser();

        var start = await browser.GetAsync("/queue");
        // The authorization request asks for the roles scope, with PKCE and a nonce.
        var authorize = start.Redirects.Select(r => r.To).First(u => u.AbsolutePath == "/connect/authorize");
        var page = await world.SignInToAdminAsync(browser, agent, secret);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(AdminFactory.BaseUrl + "/queue", page.Url.GetLeftPart(UriPartial.Path));
        Assert.Contains(agent.AccountNumber, page.Body);
        var query = authorize.QueryParameters();
        Assert.Contains("roles", query["scope"].Split(' '));
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.True(query.ContainsKey("nonce"));
    }

    [Fact]
    public async Task UserWithoutStaffRole_IsRefusedWithA403Page()
    {
        await using var world = AdminWorld.Start();
        var (user, secret) = await world.CreateStaffAsync();
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, user, secret);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal("/forbidden", page.Url.AbsolutePath);
        Assert.Contains("no role", page.Text("#forbidden-reason"));
        var users = await browser.GetAsync("/users?q=a");
        Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
    }

    [Fact]
    public async Task HelpdeskBelowTheRequiredLevel_IsSteppedUpAtIdp()
    {
        // Second factor only when a portal asks: the first sign-in gives a password-only session.
        await using var world = AdminWorld.Start(AuthenticationLevels.SecondFactorAcr, idp => idp.WithSetting("Idp:Mfa:Policy", "StepUpOnly"));
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        using var browser = world.CreateBrowser();

        var page = await browser.GetAsync("/queue");
        page = await browser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = agent.AccountNumber, ["Input.Password"] = TestUsers.Password });

        // Back at the admin area with acr pwd, sent to Idp again with acr_values for the second factor.
        var stepUp = page.Redirects.Select(r => r.To).Where(u => u.AbsolutePath == "/connect/authorize").ToList();
        Assert.Single(stepUp);
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, stepUp[0].QueryParameters()["acr_values"]);
        Assert.Equal("/signin/totp", page.Url.AbsolutePath);

        world.Idp.Clock.Advance(TimeSpan.FromSeconds(30));
        page = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = world.CodeFor(secret) });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/queue", page.Url.AbsolutePath);
        Assert.Contains(AuthenticationLevels.SecondFactorAcr, (await browser.GetAsync("/")).Body);
    }

    [Fact]
    public async Task StaffWhoCannotReachPasskeyLevel_GetsAnExplanationNotALoop()
    {
        await using var world = AdminWorld.Start(AuthenticationLevels.PhishingResistantAcr);
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();

        var page = await world.SignInToAdminAsync(browser, agent, secret);
        if (page.Url.AbsolutePath == "/signin/totp")
        {
            world.Idp.Clock.Advance(TimeSpan.FromSeconds(30));
            page = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = world.CodeFor(secret) });
        }

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal("/forbidden", page.Url.AbsolutePath);
        Assert.Contains(AuthenticationLevels.PhishingResistantAcr, page.Text("#forbidden-reason"));
        Assert.Contains(page.Redirects, r => r.To.AbsolutePath == "/connect/authorize" && r.To.Query.Contains("acr_values", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Helpdesk_MayNotOpenPortalsKeysOrAudit_AdminMay()
    {
        await using var world = AdminWorld.Start();
        var (agent, agentSecret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var (admin, adminSecret) = await world.CreateStaffAsync(StaffRolesFor.Admin);

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, agent, agentSecret);
            foreach (var path in new[] { "/clients", "/keys", "/audit", "/dashboard" })
            {
                var page = await browser.GetAsync(path);
                Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
                Assert.Equal("/forbidden", page.Url.AbsolutePath);
            }
        }

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, admin, adminSecret);
            foreach (var path in new[] { "/clients", "/keys", "/audit", "/dashboard", "/users" })
                Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task PostWithoutAntiforgeryToken_IsRefused()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var target = await world.Idp.CreateUserAsync();
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret);

        var page = await browser.GetAsync($"/users/{target.Id}");
        Assert.NotNull(page.Document.QuerySelector("#lock-form input[name=__RequestVerificationToken]"));
        var forged = await browser.PostAsync($"/users/{target.Id}?handler=Lock", [new("Reason", "forged")]);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var locked = await world.Idp.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Id == target.Id).LockoutEnd));
        Assert.Null(locked);
    }

    [Fact]
    public async Task Pages_SendSecurityHeaders()
    {
        await using var world = AdminWorld.Start();
        using var browser = world.CreateBrowser();
        var page = await browser.GetAsync("/signed-out");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
    }
}
