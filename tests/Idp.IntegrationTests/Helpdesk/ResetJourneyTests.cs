using System.Net;
using Idp.Data.Entities;
using Idp.Helpdesk;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.SignIn;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Helpdesk;

/// <summary>Journey 9, the user's side, through the pages: the request form, the status page, enrolment after approval, the temporary access pass.</summary>
public sealed class ResetJourneyTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();

    public Task InitializeAsync()
    {
        _idp.WithSetting("Idp:Mfa:GraceSignIns", "1").WithSetting("Idp:Helpdesk:MaxRequestsPerUserPerDay", "1").Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    /// <summary>A user with an authenticator, signed in with the password, on the code page.</summary>
    private async Task<(IdpUser User, string Secret, BrowserClient Browser)> AtCodePageAsync()
    {
        var user = await _idp.CreateUserAsync();
        var secret = await _idp.SeedTotpAsync(user);
        var browser = _idp.CreateBrowser();
        await browser.SignInAsync(user.AccountNumber, TestUsers.Password);
        var page = await browser.FollowAsync();
        Assert.Equal("/signin/totp", page.Url.AbsolutePath);
        return (user, secret, browser);
    }

    private static async Task<BrowserResponse> SubmitRequestAsync(BrowserClient browser, string contact = "+49 89 1234567")
    {
        var codePage = await browser.GetAsync("/signin/totp");
        var form = await browser.GetAsync(codePage.Document.QuerySelector("#cannot-use-factor")!.GetAttribute("href")!);
        Assert.Equal("/signin/reset", form.Url.AbsolutePath);
        return await browser.SubmitFormAsync("#reset-form", new() { ["Input.Reason"] = "Lost", ["Input.Contact"] = contact, ["Input.Message"] = "Lost on the train" });
    }

    [Fact]
    public async Task CannotUseFactor_SubmitsARequest_AndShowsItsStatus_OnceOnly()
    {
        var (user, _, browser) = await AtCodePageAsync();
        using var _ = browser;

        var status = await SubmitRequestAsync(browser);

        Assert.Equal("/signin/reset/status", status.Url.AbsolutePath);
        var stored = await _idp.WithDbAsync(db => db.Set<ResetRequest>().SingleAsync(r => r.SubjectId == user.Id));
        Assert.Equal(stored.Reference, status.Text("#status-reference"));
        Assert.Equal("Open", status.Document.QuerySelector("#status-state")!.GetAttribute("data-state"));
        Assert.NotNull(status.Text("#status-due"));
        Assert.NotNull(status.Notice());
        Assert.Equal(ResetReason.Lost, stored.Reason);
        Assert.Equal("+49 89 1234567", stored.Contact);
        var mail = (await _idp.LatestOutboxMessageAsync(user.Email!))!;
        Assert.Contains(stored.Reference, mail.Body);

        // The form again leads to the open request, not a second one.
        await browser.GetAsync("/signin/totp");
        var again = await browser.GetAsync("/signin/reset");
        Assert.Equal("/signin/reset/status", again.Url.AbsolutePath);
        Assert.Equal(stored.Reference, again.Text("#status-reference"));
        Assert.Equal(1, await _idp.WithDbAsync(db => db.Set<ResetRequest>().CountAsync(r => r.SubjectId == user.Id)));
    }

    [Fact]
    public async Task WithoutThePassword_NothingIsRevealed()
    {
        var (user, _, browser) = await AtCodePageAsync();
        await SubmitRequestAsync(browser);
        browser.Dispose();
        var reference = await _idp.WithDbAsync(db => db.Set<ResetRequest>().Where(r => r.SubjectId == user.Id).Select(r => r.Reference).SingleAsync());
        var link = (await _idp.LatestOutboxMessageAsync(user.Email!))!.Links().Single();

        using var stranger = _idp.CreateBrowser();
        var status = await stranger.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.NotNull(status.Text("#status-sign-in"));
        // (The reference may only appear inside the layout's links back to this very URL.)
        Assert.DoesNotContain(reference, status.Text(".card"));
        Assert.Null(status.Text("#status-state"));

        var form = await stranger.GetAsync("/signin/reset");
        Assert.Equal("/signin", form.Url.AbsolutePath);
        var pass = await stranger.GetAsync("/signin/access-pass");
        Assert.Equal("/signin", pass.Url.AbsolutePath);
        // A forged post (no antiforgery token, no pending sign-in) creates nothing.
        var forged = await stranger.PostFormAsync("/signin/reset", new Dictionary<string, string> { ["Input.Reason"] = "Lost", ["Input.Contact"] = "x" }, followRedirects: false);
        Assert.True(forged.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Redirect or HttpStatusCode.Found);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.Set<ResetRequest>().CountAsync()));

        // A wrong password does not reach the form either.
        await stranger.SignInAsync(user.AccountNumber, "wrong password!");
        Assert.Equal("/signin", (await stranger.GetAsync("/signin/reset")).Url.AbsolutePath);
    }

    [Fact]
    public async Task BadInput_IsExplained_AndFloodingIsRefused()
    {
        var (user, _, browser) = await AtCodePageAsync();
        using var _ = browser;
        await browser.GetAsync("/signin/reset");
        var empty = await browser.SubmitFormAsync("#reset-form", new() { ["Input.Contact"] = "" });
        Assert.Equal("/signin/reset", empty.Url.AbsolutePath);
        Assert.NotNull(empty.ErrorSummary());
        var tooLong = await browser.SubmitFormAsync("#reset-form", new() { ["Input.Reason"] = "Other", ["Input.Contact"] = new string('1', 201) });
        Assert.NotNull(tooLong.ErrorSummary());
        var badReason = await browser.SubmitFormAsync("#reset-form", new() { ["Input.Reason"] = "99", ["Input.Contact"] = "0301234" });
        Assert.NotNull(badReason.ErrorSummary());
        Assert.Equal(HttpStatusCode.OK, badReason.StatusCode);

        // One request a day per user (set for this test): after a rejection, the next one the same day is refused.
        Assert.Equal("/signin/reset/status", (await SubmitRequestAsync(browser)).Url.AbsolutePath);
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var open = await _idp.HelpdeskAsync(h => h.GetOpenForUserAsync(user.Id));
        await _idp.HelpdeskAsync(h => h.RejectAsync(open!.Id, agent.Id, "Please call us", null));
        var refused = await SubmitRequestAsync(browser);
        Assert.Equal("/signin/reset", refused.Url.AbsolutePath);
        Assert.NotNull(refused.ErrorSummary());
    }

    [Fact]
    public async Task AfterApproval_TheNextSignIn_EnrolsANewSecret()
    {
        var (user, oldSecret, browser) = await AtCodePageAsync();
        await SubmitRequestAsync(browser);
        browser.Dispose();
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var request = await _idp.HelpdeskAsync(h => h.GetOpenForUserAsync(user.Id));
        Assert.Equal(DecisionOutcome.Done, (await _idp.HelpdeskAsync(h => h.ApproveAsync(request!.Id, agent.Id, "verified", null))).Outcome);

        using var next = _idp.CreateBrowser();
        await next.SignInAsync(user.AccountNumber, TestUsers.Password);
        var page = await next.FollowAsync();
        Assert.StartsWith("/enrol", page.Url.AbsolutePath);
        var (newSecret, codes) = await next.EnrolTotpAsync(_idp);
        Assert.NotEqual(oldSecret, newSecret);
        var home = await next.GetAsync(codes.Document.QuerySelector("#continue")!.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var stored = await _idp.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.False(stored.MustEnrol);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));

        // The status page, from the e-mail link in the signed-in browser, shows the approval.
        var status = await next.GetAsync("/signin/reset/status");
        Assert.Equal("Approved", status.Document.QuerySelector("#status-state")!.GetAttribute("data-state"));
    }

    [Fact]
    public async Task TemporaryAccessPass_AtSignIn_LeadsToEnrolment()
    {
        var (user, oldSecret, browser) = await AtCodePageAsync();
        await SubmitRequestAsync(browser);
        browser.Dispose();
        var agent = await _idp.CreateStaffAsync("helpdesk");
        var request = await _idp.HelpdeskAsync(h => h.GetOpenForUserAsync(user.Id));
        var code = (await _idp.HelpdeskAsync(h => h.IssueTemporaryAccessPassAsync(request!.Id, agent.Id, "verified", null))).TemporaryAccessPass!;

        using var next = _idp.CreateBrowser();
        await next.SignInAsync(user.AccountNumber, TestUsers.Password);
        var codePage = await next.FollowAsync();
        Assert.Equal("/signin/totp", codePage.Url.AbsolutePath);
        await next.GetAsync(codePage.Document.QuerySelector("#enter-access-pass")!.GetAttribute("href")!);
        var wrong = await next.SubmitFormAsync("#access-pass-form", new() { ["Code"] = "aaaa-bbbb-cccc" });
        Assert.Equal("/signin/access-pass", wrong.Url.AbsolutePath);
        Assert.NotNull(wrong.ErrorSummary());

        var enrol = await next.SubmitFormAsync("#access-pass-form", new() { ["Code"] = code });
        Assert.StartsWith("/enrol", enrol.Url.AbsolutePath);
        Assert.Equal(0, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));
        var (newSecret, _) = await next.EnrolTotpAsync(_idp);
        Assert.NotEqual(oldSecret, newSecret);

        // Single use: the same pass does not work again.
        using var again = _idp.CreateBrowser();
        await again.SignInAsync(user.AccountNumber, TestUsers.Password);
        await again.FollowAsync();
        await again.GetAsync("/signin/access-pass");
        var reused = await again.SubmitFormAsync("#access-pass-form", new() { ["Code"] = code });
        Assert.Equal("/signin/access-pass", reused.Url.AbsolutePath);
        Assert.Equal(1, await _idp.WithDbAsync(db => db.UserFactors.CountAsync(f => f.SubjectId == user.Id)));
    }
}
