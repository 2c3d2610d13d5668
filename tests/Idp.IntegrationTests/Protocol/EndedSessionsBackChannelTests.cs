using Idp.Data.Entities;
using Idp.Helpdesk;
using Idp.IntegrationTests.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.EndSession;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static Idp.IntegrationTests.Protocol.SessionTests;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// Sessions ended by the helpdesk, a password reset or "sign out everywhere else" tell their portals by
/// Back-Channel Logout 1.0 once committed (in the background), and a rolled-back ending tells nobody.
/// </summary>
public sealed class EndedSessionsBackChannelTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private readonly RecordingHandler _backChannel = new();
    private readonly FailingApproval _failing = new();
    private TestRelyingParty _rp = null!;

    /// <summary>Fails the approval's final save (after the sessions were ended inside its transaction) while armed.</summary>
    private sealed class FailingApproval : SaveChangesInterceptor
    {
        public volatile bool Armed;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Armed && eventData.Context!.ChangeTracker.Entries<AuditEvent>()
                    .Any(e => e.State == EntityState.Added && e.Entity.Type is HelpdeskAuditEvents.PassIssued or HelpdeskAuditEvents.RequestApproved))
                throw new DbUpdateException("database unavailable");
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; }))
            .WithServices(services =>
            {
                services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _backChannel);
                // The context is registered by its provider's type.
                services.ConfigureDbContext<Idp.Data.SqliteIdpDbContext>(options => options.AddInterceptors(_failing));
                services.ConfigureDbContext<Idp.Data.PostgresIdpDbContext>(options => options.AddInterceptors(_failing));
                services.ConfigureDbContext<Idp.Data.SqlServerIdpDbContext>(options => options.AddInterceptors(_failing));
            })
            .Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task HelpdeskApproval_TellsThePortalOfEverySession()
    {
        var (user, sids) = await SignedInAtPortalAsync(browsers: 2);
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");

        var result = await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, "checked by phone", null));
        Assert.Equal(DecisionOutcome.Done, result.Outcome);

        var sent = await LogoutsAsync(2);
        foreach (var logout in sent)
            await AssertLogoutTokenAsync(logout, user);
        Assert.Equal(sids.Order(), (await Task.WhenAll(sent.Select(SidOf))).Order());
    }

    [Fact]
    public async Task TemporaryAccessPass_TellsThePortal()
    {
        var (user, sids) = await SignedInAtPortalAsync();
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");

        var result = await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(request.Id, agent.Id, "checked by phone", null));
        Assert.Equal(DecisionOutcome.Done, result.Outcome);

        var logout = Assert.Single(await LogoutsAsync(1));
        await AssertLogoutTokenAsync(logout, user);
        Assert.Equal(sids.Single(), await SidOf(logout));
    }

    [Fact]
    public async Task PasswordReset_TellsThePortal()
    {
        var (user, sids) = await SignedInAtPortalAsync();
        var token = await _idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            return await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(user.Id))!);
        });
        using var other = _idp.CreateBrowser();
        var page = await other.GetAsync($"/reset-password?user={Uri.EscapeDataString(user.Id)}&token={Uri.EscapeDataString(token)}");
        var done = await other.SubmitFormAsync(page, "#reset-password-form", new()
        {
            ["Input.NewPassword"] = "A new and long passphrase 42",
            ["Input.ConfirmPassword"] = "A new and long passphrase 42",
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, done.StatusCode);
        Assert.Null(done.Document.QuerySelector("#reset-password-form"));

        var logout = Assert.Single(await LogoutsAsync(1));
        await AssertLogoutTokenAsync(logout, user);
        Assert.Equal(sids.Single(), await SidOf(logout));
    }

    [Fact]
    public async Task SignOutOtherSessions_TellsThePortalOfTheOthersOnly()
    {
        var user = await _idp.CreateUserAsync();
        using var here = _idp.CreateBrowser();
        using var there = _idp.CreateBrowser();
        var hereSid = await SignInAtPortalAsync(here, user);
        var thereSid = await SignInAtPortalAsync(there, user);

        var profile = await here.GetAsync("/profile");
        Assert.Equal("/profile", profile.Url.AbsolutePath);
        await here.SubmitFormAsync(profile, "#signout-others-form");

        var logout = Assert.Single(await LogoutsAsync(1));
        await AssertLogoutTokenAsync(logout, user);
        Assert.Equal(thereSid, await SidOf(logout));
        Assert.NotEqual(hereSid, thereSid);
    }

    [Fact]
    public async Task FailedApproval_TellsNobody()
    {
        var (user, _) = await SignedInAtPortalAsync();
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");

        _failing.Armed = true;
        await Assert.ThrowsAsync<DbUpdateException>(() => _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, "note", null)));
        _failing.Armed = false;
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserSessions.CountAsync(s => s.SubjectId == user.Id && s.EndedAt == null)));

        // Another user's approval afterwards: the queue is sent in order, so anything the failed one had
        // queued would arrive first.
        var (marker, markerSids) = await SignedInAtPortalAsync();
        var markerRequest = (await _idp.SubmitAsync(marker)).Request!;
        Assert.Equal(DecisionOutcome.Done, (await _idp.HelpdeskAsync(h => h.ApproveAsync(markerRequest.Id, agent.Id, "note", null))).Outcome);

        var logout = Assert.Single(await LogoutsAsync(1));
        await AssertLogoutTokenAsync(logout, marker);
        Assert.Equal(markerSids.Single(), await SidOf(logout));
    }

    private async Task<(IdpUser User, List<string> Sids)> SignedInAtPortalAsync(int browsers = 1)
    {
        var user = await _idp.CreateUserAsync();
        var sids = new List<string>();
        for (var i = 0; i < browsers; i++)
        {
            using var browser = _idp.CreateBrowser();
            sids.Add(await SignInAtPortalAsync(browser, user));
        }
        return (user, sids);
    }

    private async Task<string> SignInAtPortalAsync(BrowserClient browser, IdpUser user)
    {
        var (_, tokens) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user)));
        return (await _rp.ValidateAsync(tokens.GetProperty("id_token").GetString()!)).GetClaim("sid").Value;
    }

    /// <summary>Waits (the sending is in the background) for <paramref name="count"/> logout requests, then a moment for any extra.</summary>
    private async Task<List<SentRequest>> LogoutsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_backChannel.Requests.Count < count && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await Task.Delay(300);
        return [.. _backChannel.Requests];
    }

    private async Task AssertLogoutTokenAsync(SentRequest sent, IdpUser user)
    {
        Assert.Equal(TestClients.BackChannelLogoutUri, sent.Uri);
        var token = await _rp.ValidateAsync(sent.Form["logout_token"], type: "logout+jwt");
        Assert.Equal(user.Id, token.Subject);
        Assert.False(string.IsNullOrEmpty(token.GetClaim("sid").Value));
        Assert.True(token.TryGetPayloadValue<Dictionary<string, object>>("events", out var events));
        Assert.True(events!.ContainsKey("http://schemas.openid.net/event/backchannel-logout"));
        Assert.False(token.TryGetPayloadValue<string>("nonce", out _));
    }

    private async Task<string> SidOf(SentRequest sent) =>
        (await _rp.ValidateAsync(sent.Form["logout_token"], type: "logout+jwt")).GetClaim("sid").Value;
}
