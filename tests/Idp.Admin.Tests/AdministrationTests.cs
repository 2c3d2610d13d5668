using System.Collections.Concurrent;
using System.Net;
using Idp.Admin.Infrastructure;
using Idp.Admin.Tests.Infrastructure;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.Protocol.EndSession;
using Idp.Security;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>Users, portals, signing keys, the audit log and the SLA dashboard.</summary>
public sealed class AdministrationTests
{
    [Fact]
    public async Task LockAndUnlock_NeedAReason_EndSessions_AndAreAudited()
    {
        await using var world = AdminWorld.Start(configure: idp => idp.WithClient(PortalClient()));
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync(givenName: "Zora", familyName: "Quist");
        var portal = new TestRelyingParty(world.Idp, "portal");
        var refreshToken = await SignInAtPortalAsync(world, portal, user);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, secret);

        var results = await browser.GetAsync("/users?q=quist");
        Assert.Contains(user.AccountNumber, results.Text("#user-results"));
        Assert.Contains(user.AccountNumber, (await browser.GetAsync($"/users?q={user.AccountNumber}")).Text("#user-results"));
        await browser.GetAsync($"/users/{user.Id}");

        var noReason = await browser.SubmitFormAsync("#lock-form", new() { ["Reason"] = "" });
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.NotNull(noReason.Document.QuerySelector("#reason-error-lock"));
        Assert.Null(await world.Idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync()));

        var locked = await browser.SubmitFormAsync("#lock-form", new() { ["Reason"] = "Ticket 4711: account compromised" });
        Assert.Contains("locked", locked.Text("#account-status"));
        var events = await world.Idp.WithDbAsync(db => db.AuditEvents.Where(e => e.Type == AdminAuditTypes.UserLocked).ToListAsync());
        var locking = Assert.Single(events);
        Assert.Equal(agent.Id, locking.ActorId);
        Assert.Equal(user.Id, locking.SubjectId);
        Assert.Contains("Ticket 4711", locking.Details);
        Assert.False(await world.Idp.WithDbAsync(db => db.UserSessions.AnyAsync(x => x.SubjectId == user.Id && x.EndedAt == null)));
        Assert.True(await world.Idp.WithDbAsync(db => db.UserSessions.AnyAsync(x => x.SubjectId == user.Id)));
        Assert.True(await world.Idp.WithDbAsync(db => db.RefreshTokens.AnyAsync(t => t.SubjectId == user.Id)));
        Assert.False(await world.Idp.WithDbAsync(db => db.RefreshTokens.AnyAsync(t => t.SubjectId == user.Id && t.RevokedAt == null)));
        var (refreshed, _) = await portal.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);

        var unlocked = await browser.SubmitFormAsync("#unlock-form", new() { ["Reason"] = "Ticket 4711 resolved" });
        Assert.Contains("active", unlocked.Text("#account-status"));
        var enrol = await browser.SubmitFormAsync("#require-enrolment-form", new() { ["Reason"] = "New phone" });
        Assert.Contains("enrols at next sign-in", enrol.Text("#account-status"));
    }

    [Fact]
    public async Task EndSessions_TellsThePortalOfEachSession_ByBackChannelLogout()
    {
        var backChannel = new RecordingHandler();
        await using var world = AdminWorld.Start(configure: idp => idp.WithClient(PortalClient())
            .WithServices(services => services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => backChannel)));
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        var portal = new TestRelyingParty(world.Idp, "portal");
        await SignInAtPortalAsync(world, portal, user);
        var sid = await world.Idp.WithDbAsync(db => db.UserSessions.Where(x => x.SubjectId == user.Id).Select(x => x.Id).SingleAsync());
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, secret, $"/users/{user.Id}");

        await browser.SubmitFormAsync("#end-sessions-form", new() { ["Reason"] = "Ticket 815: laptop stolen" });
        Assert.False(await world.Idp.WithDbAsync(db => db.UserSessions.AnyAsync(x => x.SubjectId == user.Id && x.EndedAt == null)));

        // Idp's outbox dispatcher finds the message the admin area wrote at its next poll.
        world.Idp.Clock.Advance(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (backChannel.Requests.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await Task.Delay(300);
        var (uri, form) = Assert.Single(backChannel.Requests);
        Assert.Equal(TestClients.BackChannelLogoutUri, uri);
        var token = await portal.ValidateAsync(form["logout_token"], type: "logout+jwt");
        Assert.Equal(user.Id, token.Subject);
        Assert.Equal(sid, token.GetClaim("sid").Value);
        Assert.True(token.TryGetPayloadValue<Dictionary<string, object>>("events", out var events));
        Assert.True(events!.ContainsKey("http://schemas.openid.net/event/backchannel-logout"));
        Assert.False(token.TryGetPayloadValue<string>("nonce", out _));
    }

    private static Idp.Configuration.ClientOptions PortalClient() =>
        TestClients.Create("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; });

    /// <summary>The user signs in at the portal (a session with the portal as its client); returns the refresh token.</summary>
    private static async Task<string> SignInAtPortalAsync(AdminWorld world, TestRelyingParty portal, Data.Entities.IdpUser user)
    {
        using var browser = world.Idp.CreateBrowser();
        var (_, tokens) = await portal.RedeemAsync(portal.CodeFrom(await portal.AuthorizeAsync(browser, user)));
        return tokens.GetProperty("refresh_token").GetString()!;
    }

    /// <summary>A portal's back-channel logout endpoint: records what it is sent.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public ConcurrentQueue<(string Uri, Dictionary<string, string> Form)> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var form = body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
            Requests.Enqueue((request.RequestUri!.ToString(), form));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task RevokeFactor_RemovesIt_NeverShowsSecrets()
    {
        await using var world = AdminWorld.Start();
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        var userSecret = await world.SeedTotpAsync(user);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, secret, $"/users/{user.Id}");

        Assert.DoesNotContain(Idp.Factors.Totp.Base32.Encode(userSecret), browser.LastResponse.Body);
        var page = await browser.SubmitFormAsync("#factors .revoke-factor-form", new() { ["Reason"] = "Phone stolen" });
        Assert.NotNull(page.Document.QuerySelector("#no-factors"));
        Assert.Equal(1, await world.Idp.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AdminAuditTypes.FactorRevoked && e.ActorId == agent.Id)));
    }

    [Fact]
    public async Task Helpdesk_MayNotChangeAStaffAccount()
    {
        await using var world = AdminWorld.Start();
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var (admin, _) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, secret, $"/users/{admin.Id}");

        Assert.Null(browser.Document.QuerySelector("#lock-form"));
    }

    [Fact]
    public async Task Portal_CreateShowsTheSecretOnce_RotateReplacesIt()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, "/clients/new");

        var invalid = await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "hr-portal", ["Input.DisplayName"] = "HR", ["Input.RedirectUris"] = "http://hr.example/cb", ["Input.Reason"] = "new portal",
        });
        Assert.Contains("not a valid redirect URI", invalid.Body);

        var created = await browser.SubmitFormAsync("#client-form", new()
        {
            ["Input.ClientId"] = "hr-portal", ["Input.DisplayName"] = "HR", ["Input.RedirectUris"] = "https://hr.example/cb", ["Input.Reason"] = "new portal",
            ["Input.MfaPolicy"] = "Required",
        });
        var first = created.Text("#client-secret")!;
        var stored = await world.Idp.WithDbAsync(db => db.Clients.SingleAsync(c => c.ClientId == "hr-portal"));
        Assert.Equal(Hashing.Sha256(first), stored.SecretHash);
        Assert.Equal(Idp.Factors.MfaPolicy.Required, stored.MfaPolicy);
        Assert.Equal(["https://hr.example/cb"], stored.RedirectUris);

        var edit = await browser.GetAsync("/clients/hr-portal");
        Assert.Null(edit.Document.QuerySelector("#client-secret"));
        var rotated = await browser.SubmitFormAsync("#rotate-secret-form", new() { ["RotateReason"] = "secret leaked" });
        var second = rotated.Text("#client-secret")!;
        Assert.NotEqual(first, second);
        stored = await world.Idp.WithDbAsync(db => db.Clients.SingleAsync(c => c.ClientId == "hr-portal"));
        Assert.Equal(Hashing.Sha256(second), stored.SecretHash);
        var types = await world.Idp.WithDbAsync(db => db.AuditEvents.Where(e => e.ClientId == "hr-portal").Select(e => e.Type).ToListAsync());
        Assert.Contains(AdminAuditTypes.ClientCreated, types);
        Assert.Contains(AdminAuditTypes.ClientSecretRotated, types);
    }

    [Fact]
    public async Task SigningKey_RotateNow_PublishesASuccessor()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        var page = await world.SignInToAdminAsync(browser, admin, secret, "/keys");
        var before = page.Document.QuerySelectorAll("#signing-keys tbody tr").Length;

        page = await browser.SubmitFormAsync("#rotate-key-form", new() { ["Algorithm"] = "RS256", ["Reason"] = "yearly rotation" });

        Assert.Equal(before + 1, page.Document.QuerySelectorAll("#signing-keys tbody tr").Length);
        Assert.Equal(1, await world.Idp.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AdminAuditTypes.SigningKeyRotated)));
    }

    [Fact]
    public async Task AuditLog_SearchesAndExportsCsv()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var user = await world.Idp.CreateUserAsync();
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, $"/users/{user.Id}");
        await browser.SubmitFormAsync("#end-sessions-form", new() { ["Reason"] = "=HYPERLINK(\"x\"), suspicious" });

        var page = await browser.GetAsync($"/audit?Type=admin.&Who={user.AccountNumber}");
        var rows = page.Document.QuerySelectorAll("#audit-events tbody tr");
        Assert.Single(rows);
        Assert.Contains(AdminAuditTypes.SessionsEnded, rows[0].TextContent);

        var csv = await browser.GetAsync(page.Document.QuerySelector("#audit-export")!.GetAttribute("href")!);
        Assert.Equal("text/csv", csv.ContentType);
        var lines = csv.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,occurred_at,type,actor,subject,client,ip_address,details", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"{AdminAuditTypes.SessionsEnded},{admin.Id},{user.Id}", lines[1]);
        Assert.EndsWith("\"'=HYPERLINK(\"\"x\"\"), suspicious\"", lines[1]);
        Assert.Equal(1, await world.Idp.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Type == AdminAuditTypes.AuditExported && e.ActorId == admin.Id)));
    }

    [Fact]
    public async Task SlaDashboard_ChangesWhenARequestIsDecided()
    {
        await using var world = AdminWorld.Start();
        var (supervisor, secret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        var user = await world.Idp.CreateUserAsync();
        var request = await world.SubmitResetRequestAsync(user);
        using var browser = world.CreateBrowser();

        var before = await world.SignInToAdminAsync(browser, supervisor, secret, "/dashboard");
        Assert.Equal("1", before.Text("#sla-open"));
        Assert.Equal("–", before.Text("#sla-share"));
        Assert.NotNull(before.Document.QuerySelector("svg#sla-chart"));
        Assert.Empty(before.Document.QuerySelectorAll("svg#sla-chart rect"));

        await browser.GetAsync($"/requests/{request.Id}");
        browser.TickChecklist();
        await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Verified" });

        var after = await browser.GetAsync("/dashboard");
        Assert.Equal("0", after.Text("#sla-open"));
        Assert.Equal("100%", after.Text("#sla-share")!.Replace(" ", "").Replace("\u00a0", ""));
        Assert.Single(after.Document.QuerySelectorAll("svg#sla-chart rect.bar"));
        Assert.Equal(ResetRequestState.Approved, (await world.FindRequestAsync(request.Id))!.State);
    }
}
