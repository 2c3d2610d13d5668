using System.Net;
using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Idp.Factors;
using Idp.Factors.Totp;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>The helpdesk's decisions on reset requests, through the admin area's pages.</summary>
public sealed class ResetDecisionTests
{
    [Fact]
    public async Task ApproveAsHelpdesk_UserSignsInAndEnrolsANewSecret()
    {
        await using var world = AdminWorld.Start();
        var (agent, agentSecret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        var oldSecret = await world.SeedTotpAsync(user);
        var request = await world.SubmitResetRequestAsync(user);

        using var browser = world.CreateBrowser();
        var queue = await world.SignInToAdminAsync(browser, agent, agentSecret);
        var row = queue.Document.QuerySelector($"tr[data-request-id='{request.Id}']");
        Assert.NotNull(row);
        Assert.Contains(request.Reference, row.TextContent);
        Assert.Contains(user.AccountNumber, row.TextContent);

        var detail = await browser.SubmitFormAsync($"tr[data-request-id='{request.Id}'] .claim-form");
        Assert.Equal($"/requests/{request.Id}", detail.Url.AbsolutePath);
        Assert.Contains("Seeded phone", detail.Text("#factors"));
        Assert.DoesNotContain(Base32.Encode(oldSecret), detail.Body);

        // Without the checklist the approval is refused.
        var refused = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Called back on the number on file" });
        Assert.NotNull(refused.Document.QuerySelector("#checklist-error"));
        Assert.Equal(ResetRequestState.Open, (await world.FindRequestAsync(request.Id))!.State);

        browser.TickChecklist();
        var approved = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Called back on the number on file" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("Approved", approved.Text("#request-state"));

        var decided = (await world.FindRequestAsync(request.Id))!;
        Assert.Equal(ResetRequestState.Approved, decided.State);
        Assert.Equal(agent.Id, decided.DecidedBy);
        var (factors, mustEnrol, audit) = await world.Idp.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<Idp.Data.IdpDbContext>();
            return (await services.GetRequiredService<FactorRegistry>().ListAsync(user.Id),
                (await db.Users.SingleAsync(u => u.Id == user.Id)).MustEnrol,
                await db.AuditEvents.Where(e => e.Type == HelpdeskAuditEvents.RequestApproved).ToListAsync());
        });
        Assert.Empty(factors);
        Assert.True(mustEnrol);
        var approval = Assert.Single(audit);
        Assert.Equal(agent.Id, approval.ActorId);
        Assert.Equal(user.Id, approval.SubjectId);

        // The user signs in: enrolment of a new authenticator with a new secret.
        using var userBrowser = world.Idp.CreateBrowser();
        await userBrowser.GetAsync("/signin");
        var next = await userBrowser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = user.AccountNumber, ["Input.Password"] = TestUsers.Password });
        if (next.Url.AbsolutePath == "/enrol/welcome")
            next = await userBrowser.SubmitFormAsync("#welcome-form");
        Assert.Equal("/enrol", next.Url.AbsolutePath);
        var qr = await userBrowser.GetAsync(next.Document.QuerySelector("#enrol-totp")!.GetAttribute("href")!);
        var newSecret = qr.Text("#totp-secret")!;
        Assert.NotEqual(Base32.Encode(oldSecret), newSecret.Replace(" ", ""));
        var codes = await userBrowser.SubmitFormAsync("#enrol-totp-form", new()
        {
            ["Input.Name"] = "New phone",
            ["Input.Code"] = TotpAlgorithm.Compute(Base32.Decode(newSecret)!, world.Idp.Clock.GetUtcNow()),
        });
        Assert.Equal("/enrol/recovery-codes", codes.Url.AbsolutePath);
    }

    [Fact]
    public async Task RejectWithReason_UserIsToldTheReason()
    {
        await using var world = AdminWorld.Start();
        var (agent, agentSecret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        await world.SeedTotpAsync(user);
        var request = await world.SubmitResetRequestAsync(user);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, agentSecret, $"/requests/{request.Id}");

        var empty = await browser.SubmitFormAsync("#reject-form", new() { ["RejectionReason"] = "  " });
        Assert.Contains("the user sees it", empty.Body);
        var rejected = await browser.SubmitFormAsync("#reject-form", new() { ["RejectionReason"] = "We could not reach you on the number on file." });

        Assert.Equal("We could not reach you on the number on file.", rejected.Text("#rejection-reason"));
        var decided = (await world.FindRequestAsync(request.Id))!;
        Assert.Equal(ResetRequestState.Rejected, decided.State);
        Assert.Equal("We could not reach you on the number on file.", decided.RejectionReason);
        var mail = await world.Idp.LatestOutboxMessageAsync(user.Email!);
        Assert.NotNull(mail);
        Assert.Contains("We could not reach you on the number on file.", mail.Body);
        // The factor is untouched.
        var factors = await world.Idp.WithScopeAsync(services => services.GetRequiredService<FactorRegistry>().ListAsync(user.Id));
        Assert.NotEmpty(factors);
    }

    [Fact]
    public async Task StaffAccountRequest_NeedsASecondApprovalByASupervisor()
    {
        await using var world = AdminWorld.Start();
        var (first, firstSecret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var (supervisor, supervisorSecret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        var (staffUser, _) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var request = await world.SubmitResetRequestAsync(staffUser);
        Assert.True(request.RequiresFourEyes);

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, first, firstSecret, $"/requests/{request.Id}");
            browser.TickChecklist();
            var page = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Verified in person" });
            Assert.Contains("four-eyes", page.Body);
            Assert.NotNull(page.Document.QuerySelector("#second-approval-note"));
            Assert.Null(page.Document.QuerySelector("#approve-form"));
            // The first agent cannot approve a second time, not even by posting the form again.
            var token = (await browser.GetAsync("/signout")).Document.QuerySelector("#signout-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var again = await browser.PostAsync($"/requests/{request.Id}?handler=Approve", [
                new("Note", "again"), new("Checked", "0"), new("Checked", "1"), new("Checked", "2"), new("Checked", "3"),
                new("__RequestVerificationToken", token)]);
            Assert.Equal($"/requests/{request.Id}", again.Location?.AbsolutePath);
        }
        var halfway = (await world.FindRequestAsync(request.Id))!;
        Assert.Equal(ResetRequestState.Open, halfway.State);
        Assert.Equal(first.Id, halfway.FirstApprovedBy);

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, supervisor, supervisorSecret, $"/requests/{request.Id}");
            Assert.Contains("first approval by", browser.LastResponse.Text("#four-eyes"));
            browser.TickChecklist();
            var page = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Second check by phone" });
            Assert.Contains("Approved", page.Text("#request-state"));
        }
        var done = (await world.FindRequestAsync(request.Id))!;
        Assert.Equal(ResetRequestState.Approved, done.State);
        Assert.Equal(supervisor.Id, done.DecidedBy);
    }

    [Fact]
    public async Task TemporaryAccessPass_IsShownOnce_AndLeadsToEnrolment()
    {
        await using var world = AdminWorld.Start();
        var (agent, agentSecret) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var user = await world.Idp.CreateUserAsync();
        await world.SeedTotpAsync(user);
        var request = await world.SubmitResetRequestAsync(user);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, agent, agentSecret, $"/requests/{request.Id}");

        browser.TickChecklist();
        var page = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Verified by video call" }, submitter: "#issue-pass");
        var code = page.Text("#pass-code");
        Assert.False(string.IsNullOrEmpty(code));
        var again = await browser.GetAsync($"/requests/{request.Id}");
        Assert.Null(again.Document.QuerySelector("#pass-code"));
        Assert.DoesNotContain(code, again.Body);
        Assert.Equal(ResetResolution.TemporaryAccessPass, (await world.FindRequestAsync(request.Id))!.Resolution);

        // The user types the pass after the password, instead of the authenticator code, and goes straight to enrolment.
        using var userBrowser = world.Idp.CreateBrowser();
        await userBrowser.GetAsync("/signin");
        var factorPage = await userBrowser.SubmitFormAsync("#signin-form", new() { ["Input.Login"] = user.AccountNumber, ["Input.Password"] = TestUsers.Password });
        Assert.Equal("/signin/totp", factorPage.Url.AbsolutePath);
        await userBrowser.GetAsync(factorPage.Document.QuerySelector("#enter-access-pass")!.GetAttribute("href")!);
        var next = await userBrowser.SubmitFormAsync("#access-pass-form", new() { ["Code"] = code });
        Assert.StartsWith("/enrol", next.Url.AbsolutePath);
        var factors = await world.Idp.WithScopeAsync(services => services.GetRequiredService<FactorRegistry>().ListAsync(user.Id));
        Assert.Empty(factors);
    }
}
