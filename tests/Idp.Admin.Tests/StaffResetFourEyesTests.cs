using Idp.Admin.Tests.Infrastructure;
using Idp.Helpdesk;
using Idp.IntegrationTests.Infrastructure;

namespace Idp.Admin.Tests;

/// <summary>The four-eyes reset of a staff account, finished by two supervisors.</summary>
public sealed class StaffResetFourEyesTests
{
    [Fact]
    public async Task StaffReset_SecondApprovalBySamePerson_SaysAnotherSupervisorMust()
    {
        await using var world = AdminWorld.Start();
        var (supervisor, secret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        var (staffUser, _) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var request = await world.SubmitResetRequestAsync(staffUser);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, supervisor, secret, $"/requests/{request.Id}");
        browser.TickChecklist();
        var first = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Verified in person" });
        Assert.Contains("You already approved; another supervisor must approve.", first.Text("#second-approval-note"));

        // The same supervisor posts the approval again (an old tab): told so on the request page, not the 403 page.
        var token = first.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var again = await browser.PostAsync($"/requests/{request.Id}?handler=Approve", [
            new("Note", "again"), new("Checked", "0"), new("Checked", "1"), new("Checked", "2"), new("Checked", "3"),
            new("__RequestVerificationToken", token)], followRedirects: true);
        Assert.Equal($"/requests/{request.Id}", again.Url.AbsolutePath);
        Assert.Contains("You already approved; another supervisor must approve.", again.Text("p.notice"));
        Assert.DoesNotContain("no role for the admin area", again.Body);
        var halfway = (await world.FindRequestAsync(request.Id))!;
        Assert.Equal(ResetRequestState.Open, halfway.State);
        Assert.Equal(supervisor.Id, halfway.FirstApprovedBy);
    }

    [Fact]
    public async Task StaffReset_FourEyes_FinishedByTwoSupervisors()
    {
        await using var world = AdminWorld.Start();
        var (first, firstSecret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        var (second, secondSecret) = await world.CreateStaffAsync(StaffRolesFor.Supervisor);
        var (staffUser, _) = await world.CreateStaffAsync(StaffRolesFor.Helpdesk);
        var request = await world.SubmitResetRequestAsync(staffUser);
        Assert.True(request.RequiresFourEyes);

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, first, firstSecret, $"/requests/{request.Id}");
            browser.TickChecklist();
            var page = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Called back on the number on file" });
            Assert.Contains("a supervisor must approve as well", page.Text("p.notice"));
        }
        using (var browser = world.CreateBrowser())
        {
            var page = await world.SignInToAdminAsync(browser, second, secondSecret, $"/requests/{request.Id}");
            Assert.Contains("first approval by", page.Text("#four-eyes"));
            browser.TickChecklist();
            var done = await browser.SubmitFormAsync("#approve-form", new() { ["Note"] = "Second check by video call" });
            Assert.Contains("Approved", done.Text("#request-state"));
        }
        var decided = (await world.FindRequestAsync(request.Id))!;
        Assert.Equal(ResetRequestState.Approved, decided.State);
        Assert.Equal(first.Id, decided.FirstApprovedBy);
        Assert.Equal(second.Id, decided.DecidedBy);
    }
}
