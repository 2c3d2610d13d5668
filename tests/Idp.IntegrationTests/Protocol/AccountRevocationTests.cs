using System.Net;
using Idp.Accounts;
using Idp.Data.Entities;
using Idp.Helpdesk;
using Idp.IntegrationTests.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Idp.Protocol.EndSession;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Idp.IntegrationTests.Protocol.SessionTests;

namespace Idp.IntegrationTests.Protocol;

/// <summary>
/// What each revocation reason revokes (<see cref="AccountRevocation"/>), and the refresh grant's own checks: a token
/// older than a credentials change, and a token without <c>offline_access</c> whose session has ended.
/// </summary>
public sealed class AccountRevocationTests : IAsyncLifetime
{
    private const string Online = "openid profile";
    private const string Offline = "openid profile offline_access";
    private const string NewPassword = "A new and long passphrase 42";

    private readonly IdpFactory _idp = new();
    private readonly RecordingHandler _backChannel = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => { c.Secret = TestClients.Secret; c.BackChannelLogoutUri = TestClients.BackChannelLogoutUri; }))
            .WithServices(services => services.AddHttpClient(BackChannelLogout.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _backChannel))
            .Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task PasswordReset_RevokesRefreshTokens()
    {
        var user = await _idp.CreateUserAsync();
        using var first = _idp.CreateBrowser();
        using var second = _idp.CreateBrowser();
        var (offline, _) = await SignInAtPortalAsync(first, user, Offline);
        var (online, _) = await SignInAtPortalAsync(second, user, Online);

        await ResetPasswordAsync(user);

        await AssertRefusedAsync(offline);
        await AssertRefusedAsync(online);
        Assert.False(await _idp.WithDbAsync(db => db.RefreshTokens.AnyAsync(t => t.SubjectId == user.Id && t.RevokedAt == null)));
        Assert.NotNull(await CredentialsChangedAtAsync(user));
    }

    [Fact]
    public async Task PasswordChange_RevokesRefreshTokens_KeepsCurrentSession()
    {
        var user = await _idp.CreateUserAsync();
        using var here = _idp.CreateBrowser();
        using var there = _idp.CreateBrowser();
        var (hereToken, hereSid) = await SignInAtPortalAsync(here, user, Offline);
        var (thereToken, thereSid) = await SignInAtPortalAsync(there, user, Offline);
        await AddTrustedBrowserAsync(user);
        var stampBefore = await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync());

        var profile = await here.GetAsync("/profile");
        var changed = await here.SubmitFormAsync(profile, "#change-password-form", new()
        {
            ["Password.CurrentPassword"] = TestUsers.Password,
            ["Password.NewPassword"] = NewPassword,
            ["Password.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal("/profile", changed.Url.AbsolutePath);
        Assert.NotNull(changed.Document.QuerySelector(".notice"));
        await AssertRefusedAsync(hereToken);
        await AssertRefusedAsync(thereToken);
        Assert.Equal("/profile", (await here.GetAsync("/profile")).Url.AbsolutePath);
        Assert.Equal("/signin", (await there.GetAsync("/profile")).Url.AbsolutePath);
        Assert.Equal(0, await _idp.WithDbAsync(db => db.TrustedBrowsers.CountAsync(b => b.SubjectId == user.Id)));
        Assert.NotEqual(stampBefore, await _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync()));
        Assert.True(await _idp.WithScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<IdpUser>>();
            return await users.CheckPasswordAsync((await users.FindByIdAsync(user.Id))!, NewPassword);
        }));
        Assert.Equal(1, await _idp.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.SubjectId == user.Id && e.Type == AuditEventTypes.PasswordChanged)));

        // The session that changed the password goes on: a new grant in it refreshes, although its auth_time is older.
        var (again, againSid) = await SignInAtPortalAsync(here, user, Offline);
        Assert.Equal(hereSid, againSid);
        Assert.Equal(HttpStatusCode.OK, (await _rp.RefreshAsync(again)).Response.StatusCode);

        var logout = Assert.Single(await LogoutsAsync(1));
        Assert.Equal(thereSid, (await _rp.ValidateAsync(logout.Form["logout_token"], type: "logout+jwt")).GetClaim("sid").Value);
    }

    [Fact]
    public async Task PasswordChange_WrongCurrentPassword_ChangesNothing()
    {
        var user = await _idp.CreateUserAsync();
        using var here = _idp.CreateBrowser();
        var (token, _) = await SignInAtPortalAsync(here, user, Offline);

        var profile = await here.GetAsync("/profile");
        var refused = await here.SubmitFormAsync(profile, "#change-password-form", new()
        {
            ["Password.CurrentPassword"] = "not the password at all",
            ["Password.NewPassword"] = NewPassword,
            ["Password.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.NotNull(refused.Document.QuerySelector(".error-summary"));
        Assert.Null(await CredentialsChangedAtAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await _rp.RefreshAsync(token)).Response.StatusCode);
    }

    [Fact]
    public async Task PasswordChange_AfterFiveWrongPasswords_WaitsFifteenMinutes()
    {
        var user = await _idp.CreateUserAsync();
        using var here = _idp.CreateBrowser();
        await SignInAtPortalAsync(here, user, Offline);
        for (var i = 0; i < 5; i++)
            await ChangePasswordAsync(here, "not the password at all");

        var refused = await ChangePasswordAsync(here, TestUsers.Password);
        Assert.NotNull(refused.Document.QuerySelector(".error-summary"));
        Assert.Null(await CredentialsChangedAtAsync(user));

        _idp.Clock.Advance(TimeSpan.FromMinutes(16));
        var changed = await ChangePasswordAsync(here, TestUsers.Password);
        Assert.NotNull(changed.Document.QuerySelector(".notice"));
        Assert.NotNull(await CredentialsChangedAtAsync(user));
    }

    [Fact]
    public async Task Refresh_AfterCredentialsChanged_IsRefused()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (token, _) = await SignInAtPortalAsync(browser, user, Offline);
        _idp.Clock.Advance(TimeSpan.FromSeconds(5));
        await ResetPasswordAsync(user);

        // As if the token had escaped the revocation (issued concurrently with it): the epoch alone refuses it.
        await _idp.WithDbAsync(db => db.RefreshTokens.Where(t => t.SubjectId == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, (DateTimeOffset?)null)));

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task Refresh_WithoutOfflineAccess_AfterSessionEnded_IsRefused()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (token, _) = await SignInAtPortalAsync(browser, user, Online);
        var (refreshed, body) = await _rp.RefreshAsync(token);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);

        await SignOutAsync(browser, body.GetProperty("id_token").GetString()!);

        await AssertRefusedAsync(body.GetProperty("refresh_token").GetString()!);
    }

    [Fact]
    public async Task Refresh_WithoutOfflineAccess_AfterSessionExpired_IsRefused()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (token, _) = await SignInAtPortalAsync(browser, user, Online);

        _idp.Clock.Advance(TimeSpan.FromHours(10) + TimeSpan.FromMinutes(1));

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task Refresh_WithOfflineAccess_AfterSignOut_StillWorks()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (_, tokens) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(Offline))));

        await SignOutAsync(browser, tokens.GetProperty("id_token").GetString()!);

        var (refreshed, _) = await _rp.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task SignOutOtherSessions_RevokesTheirRefreshTokens_KeepsThisOne()
    {
        var user = await _idp.CreateUserAsync();
        using var here = _idp.CreateBrowser();
        using var there = _idp.CreateBrowser();
        var (hereToken, _) = await SignInAtPortalAsync(here, user, Online);
        var (thereToken, _) = await SignInAtPortalAsync(there, user, Online);
        var (thereOffline, _) = await SignInAtPortalAsync(there, user, Offline);
        await AddTrustedBrowserAsync(user);

        var profile = await here.GetAsync("/profile");
        await here.SubmitFormAsync(profile, "#signout-others-form");

        await AssertRefusedAsync(thereToken);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.RefreshTokens.CountAsync(t => t.SubjectId == user.Id && t.Scope == Online && t.RevokedAt != null)));
        Assert.Equal(HttpStatusCode.OK, (await _rp.RefreshAsync(hereToken)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _rp.RefreshAsync(thereOffline)).Response.StatusCode);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.TrustedBrowsers.CountAsync(b => b.SubjectId == user.Id)));
        Assert.Null(await CredentialsChangedAtAsync(user));
        var audit = await _idp.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.SubjectId == user.Id && e.Type == AccountRevocation.AuditType));
        Assert.StartsWith(nameof(RevocationReason.SignOutOtherSessions), audit.Details);
    }

    [Fact]
    public async Task HelpdeskApproval_RevokesEverything_AndTellsThePortal()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (token, sid) = await SignInAtPortalAsync(browser, user, Offline);
        await AddTrustedBrowserAsync(user);
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");

        Assert.Equal(DecisionOutcome.Done, (await _idp.HelpdeskAsync(h => h.ApproveAsync(request.Id, agent.Id, "checked by phone", null))).Outcome);

        await AssertRefusedAsync(token);
        Assert.Equal(0, await _idp.WithDbAsync(db => db.TrustedBrowsers.CountAsync(b => b.SubjectId == user.Id)));
        Assert.NotNull(await CredentialsChangedAtAsync(user));
        var logout = Assert.Single(await LogoutsAsync(1));
        Assert.Equal(sid, (await _rp.ValidateAsync(logout.Form["logout_token"], type: "logout+jwt")).GetClaim("sid").Value);
    }

    [Fact]
    public async Task TemporaryAccessPass_RevokesEverything_AndTellsThePortal()
    {
        var user = await _idp.CreateUserAsync();
        using var browser = _idp.CreateBrowser();
        var (token, sid) = await SignInAtPortalAsync(browser, user, Offline);
        await AddTrustedBrowserAsync(user);
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");

        var issued = await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(request.Id, agent.Id, "checked by phone", null));
        Assert.Equal(DecisionOutcome.Done, issued.Outcome);

        await AssertRefusedAsync(token);
        Assert.Equal(0, await _idp.WithDbAsync(db => db.TrustedBrowsers.CountAsync(b => b.SubjectId == user.Id)));
        Assert.NotNull(await CredentialsChangedAtAsync(user));
        var logout = Assert.Single(await LogoutsAsync(1));
        Assert.Equal(sid, (await _rp.ValidateAsync(logout.Form["logout_token"], type: "logout+jwt")).GetClaim("sid").Value);
    }

    private async Task<(string RefreshToken, string Sid)> SignInAtPortalAsync(BrowserClient browser, IdpUser user, string scope)
    {
        var (response, tokens) = await _rp.RedeemAsync(_rp.CodeFrom(await _rp.AuthorizeAsync(browser, user, _rp.AuthorizeUrl(scope))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sid = (await _rp.ValidateAsync(tokens.GetProperty("id_token").GetString()!)).GetClaim("sid").Value;
        return (tokens.GetProperty("refresh_token").GetString()!, sid);
    }

    private async Task<BrowserResponse> ChangePasswordAsync(BrowserClient browser, string currentPassword) =>
        await browser.SubmitFormAsync(await browser.GetAsync("/profile"), "#change-password-form", new()
        {
            ["Password.CurrentPassword"] = currentPassword,
            ["Password.NewPassword"] = NewPassword,
            ["Password.ConfirmPassword"] = NewPassword,
        });

    private async Task AssertRefusedAsync(string refreshToken)
    {
        var (response, body) = await _rp.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    private async Task SignOutAsync(BrowserClient browser, string idToken)
    {
        var response = await browser.GetAsync($"/connect/endsession?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(TestClients.PostLogoutRedirectUri)}", followRedirects: false);
        Assert.StartsWith(TestClients.PostLogoutRedirectUri, response.Location!.ToString());
    }

    private async Task ResetPasswordAsync(IdpUser user)
    {
        var token = await _idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            return await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(user.Id))!);
        });
        using var browser = _idp.CreateBrowser();
        var page = await browser.GetAsync($"/reset-password?user={Uri.EscapeDataString(user.Id)}&token={Uri.EscapeDataString(token)}");
        var done = await browser.SubmitFormAsync(page, "#reset-password-form", new()
        {
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });
        Assert.Null(done.Document.QuerySelector("#reset-password-form"));
    }

    private Task AddTrustedBrowserAsync(IdpUser user) => _idp.WithDbAsync(db =>
    {
        db.TrustedBrowsers.Add(new TrustedBrowser
        {
            Id = Guid.NewGuid().ToString("N"),
            SubjectId = user.Id,
            CreatedAt = _idp.Clock.GetUtcNow(),
            ExpiresAt = _idp.Clock.GetUtcNow().AddDays(30),
            UserAgent = "test",
        });
        return db.SaveChangesAsync();
    });

    private Task<DateTimeOffset?> CredentialsChangedAtAsync(IdpUser user) =>
        _idp.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.CredentialsChangedAt).SingleAsync());

    /// <summary>Waits (the sending is in the background) for <paramref name="count"/> logout requests, then a moment for any extra.</summary>
    private async Task<List<SentRequest>> LogoutsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_backChannel.Requests.Count < count && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await Task.Delay(300);
        return [.. _backChannel.Requests];
    }
}
