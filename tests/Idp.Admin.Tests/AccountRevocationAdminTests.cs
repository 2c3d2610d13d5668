using System.Collections.Concurrent;
using System.Net;
using Idp.Accounts;
using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.Protocol.EndSession;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>Staff's lock and "end sessions" go through the one account revocation: everything goes, portals are told.</summary>
public sealed class AccountRevocationAdminTests
{
    [Theory]
    [InlineData("#lock-form", nameof(RevocationReason.AdminLock))]
    [InlineData("#end-sessions-form", nameof(RevocationReason.EndAllSessions))]
    public async Task StaffAction_RevokesEveryTokenAndTrustedBrowser_AndTellsThePortal(string form, string reason)
    {
        var backChannel = new RecordingHandler();
        await using var world = AdminWorld.Start(
            configure: idp => idp.WithClient(TestClients.Create("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; }))
                .WithServices(services => services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => backChannel)));
        var (agent, secret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        var portal = new TestRelyingParty(world.Idp, "portal");
        using var userBrowser = world.Idp.CreateBrowser();
        var (_, online) = await portal.RedeemAsync(portal.CodeFrom(await portal.AuthorizeAsync(userBrowser, user, portal.AuthorizeUrl("openid profile"))));
        var (_, offline) = await portal.RedeemAsync(portal.CodeFrom(await portal.AuthorizeAsync(userBrowser, user, portal.AuthorizeUrl("openid profile offline_access"))));
        await world.Idp.WithDbAsync(db =>
        {
            db.TrustedBrowsers.Add(new TrustedBrowser { Id = Guid.NewGuid().ToString("N"), SubjectId = user.Id, CreatedAt = world.Idp.Clock.GetUtcNow(), ExpiresAt = world.Idp.Clock.GetUtcNow().AddDays(30), UserAgent = "test" });
            return db.SaveChangesAsync();
        });
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, secret, $"/users/{user.Id}");

        await browser.SubmitFormAsync(form, new() { ["Reason"] = "Ticket 4711" });

        foreach (var tokens in new[] { online, offline })
        {
            var (refreshed, body) = await portal.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
            Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
            Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        }
        Assert.Equal(0, await world.Idp.WithDbAsync(db => db.TrustedBrowsers.CountAsync(b => b.SubjectId == user.Id)));
        var audit = await world.Idp.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.SubjectId == user.Id && e.Type == AccountRevocation.AuditType));
        Assert.StartsWith(reason, audit.Details);

        // Idp's outbox dispatcher finds the message the admin area wrote at its next poll.
        world.Idp.Clock.Advance(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (backChannel.Requests.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await Task.Delay(300);
        var sent = Assert.Single(backChannel.Requests);
        var logout = await portal.ValidateAsync(sent["logout_token"], type: "logout+jwt");
        Assert.Equal(user.Id, logout.Subject);
    }

    /// <summary>A portal's back-channel logout endpoint: records the forms it is sent.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Requests.Enqueue(body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' '))));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
