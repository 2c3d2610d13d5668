using Idp.Accounts;
using Idp.Admin.Infrastructure;
using Idp.Admin.Tests.Infrastructure;
using Idp.Data.Entities;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Idp.Admin.Tests;

/// <summary>Granting and withdrawing staff roles on the user page: reasons, four-eyes for admin and supervisor, own roles, the last administrator.</summary>
public sealed class RoleEditorTests
{
    [Fact]
    public async Task RoleEditor_GrantHelpdesk_ByOneAdmin_IsAuditedWithReason()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var user = await world.Idp.CreateUserAsync();
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, $"/users/{user.Id}");

        var noReason = await browser.SubmitFormAsync("#role-helpdesk-form", new() { ["Reason"] = " " });
        Assert.NotNull(noReason.Document.QuerySelector("#reason-error-role-helpdesk"));
        Assert.Empty(await RolesOfAsync(world, user));

        var granted = await browser.SubmitFormAsync("#role-helpdesk-form", new() { ["Reason"] = "Joins the helpdesk, ticket 815" });
        Assert.Contains("The role helpdesk is granted.", granted.Text("p.notice"));
        Assert.Equal([StaffRoles.Helpdesk], await RolesOfAsync(world, user));
        var audit = Assert.Single(await EventsAsync(world, user, RoleAuditTypes.RoleGranted));
        Assert.Equal(admin.Id, audit.ActorId);
        Assert.Equal("helpdesk: Joins the helpdesk, ticket 815", audit.Details);

        // Withdrawn by one administrator as well.
        var withdrawn = await browser.SubmitFormAsync("#role-helpdesk-form", new() { ["Reason"] = "Left the helpdesk" });
        Assert.Contains("The role helpdesk is withdrawn.", withdrawn.Text("p.notice"));
        Assert.Empty(await RolesOfAsync(world, user));
        Assert.Equal("helpdesk: Left the helpdesk", Assert.Single(await EventsAsync(world, user, RoleAuditTypes.RoleWithdrawn)).Details);
    }

    [Fact]
    public async Task RoleEditor_GrantAdmin_NeedsASecondAdmin()
    {
        await using var world = AdminWorld.Start();
        var (first, firstSecret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var (second, secondSecret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var user = await world.Idp.CreateUserAsync();

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, first, firstSecret, $"/users/{user.Id}");
            var asked = await browser.SubmitFormAsync("#role-admin-form", new() { ["Reason"] = "New head of IT" });
            Assert.Contains("second administrator", asked.Text("p.notice"));
            Assert.Contains("New head of IT", asked.Text("#pending-roles li[data-role=admin]"));
            Assert.Null(asked.Document.QuerySelector("#approve-role-admin-form"));
        }
        Assert.Empty(await RolesOfAsync(world, user));
        Assert.Equal(first.Id, Assert.Single(await EventsAsync(world, user, RoleAuditTypes.RoleChangeRequested)).ActorId);

        using (var browser = world.CreateBrowser())
        {
            await world.SignInToAdminAsync(browser, second, secondSecret, $"/users/{user.Id}");
            var noReason = await browser.SubmitFormAsync("#approve-role-admin-form", new() { ["Reason"] = "" });
            Assert.NotNull(noReason.Document.QuerySelector("#reason-error-approve-admin"));
            var approved = await browser.SubmitFormAsync("#approve-role-admin-form", new() { ["Reason"] = "Confirmed with the board" });
            Assert.Contains("The role admin is granted.", approved.Text("p.notice"));
            Assert.Null(approved.Document.QuerySelector("#pending-roles"));
        }
        Assert.Equal([StaffRoles.Admin], await RolesOfAsync(world, user));
        var audit = Assert.Single(await EventsAsync(world, user, RoleAuditTypes.RoleGranted));
        Assert.Equal(second.Id, audit.ActorId);
        Assert.Contains("Confirmed with the board", audit.Details);
        Assert.Contains(first.Id, audit.Details);
        Assert.Equal(0, await world.Idp.WithDbAsync(db => db.UserTokens.CountAsync(t => t.UserId == user.Id)));
    }

    [Fact]
    public async Task RoleEditor_SecondApprovalBySamePerson_IsRefusedWithMessage()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        await world.CreateStaffAsync(StaffRolesFor.Admin);
        var user = await world.Idp.CreateUserAsync();
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, admin, secret, $"/users/{user.Id}");
        var asked = await browser.SubmitFormAsync("#role-supervisor-form", new() { ["Reason"] = "Leads the late shift" });
        Assert.NotNull(asked.Document.QuerySelector("#pending-roles .pending-own"));

        // Posting the approval anyway: a message on the user page, not the 403 page.
        var token = asked.Document.QuerySelector("#role-helpdesk-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var again = await browser.PostAsync($"/users/{user.Id}?handler=ApproveRole", [new("role", StaffRoles.Supervisor), new("Reason", "me again"), new("__RequestVerificationToken", token)], followRedirects: true);
        Assert.Equal($"/users/{user.Id}", again.Url.AbsolutePath);
        Assert.Contains("You already approved this change of the role supervisor; another administrator must approve it.", again.Text("p.notice"));
        Assert.Empty(await RolesOfAsync(world, user));
        Assert.Empty(await EventsAsync(world, user, RoleAuditTypes.RoleGranted));
    }

    [Fact]
    public async Task RoleEditor_OwnRoles_CannotBeEdited()
    {
        await using var world = AdminWorld.Start();
        var (admin, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        var page = await world.SignInToAdminAsync(browser, admin, secret, $"/users/{admin.Id}");
        Assert.NotNull(page.Document.QuerySelector("#own-roles"));
        Assert.Null(page.Document.QuerySelector("#role-admin-form"));

        var token = page.Document.QuerySelector("#lock-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var withdraw = await browser.PostAsync($"/users/{admin.Id}?handler=WithdrawRole", [new("role", StaffRoles.Helpdesk), new("Reason", "try"), new("__RequestVerificationToken", token)], followRedirects: true);
        Assert.Contains("Nobody changes their own roles", withdraw.Text("p.notice"));
        Assert.Equal(3, (await RolesOfAsync(world, admin)).Count);
        Assert.Empty(await EventsAsync(world, admin, RoleAuditTypes.RoleWithdrawn));
    }

    [Fact]
    public async Task RoleEditor_LastAdmin_CannotBeRemoved()
    {
        await using var world = AdminWorld.Start();
        var (actor, secret) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        var (lastAdmin, _) = await world.CreateStaffAsync(StaffRolesFor.Admin);
        using var browser = world.CreateBrowser();
        await world.SignInToAdminAsync(browser, actor, secret, $"/users/{lastAdmin.Id}");
        // The actor's own admin role is withdrawn meanwhile; the session still carries it.
        await world.Idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            Assert.True((await users.RemoveFromRoleAsync((await users.FindByIdAsync(actor.Id))!, StaffRoles.Admin)).Succeeded);
        });

        var refused = await browser.SubmitFormAsync("#role-admin-form", new() { ["Reason"] = "Leaves the company" });
        Assert.Contains("This is the last administrator: the role admin cannot be withdrawn.", refused.Text("p.notice"));
        Assert.Contains(StaffRoles.Admin, await RolesOfAsync(world, lastAdmin));
        Assert.Null(refused.Document.QuerySelector("#pending-roles"));
        Assert.Empty(await EventsAsync(world, lastAdmin, RoleAuditTypes.RoleChangeRequested));
    }

    private static Task<List<string>> RolesOfAsync(AdminWorld world, IdpUser user) =>
        world.Idp.WithScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<IdpUser>>();
            return (await users.GetRolesAsync((await users.FindByIdAsync(user.Id))!)).Order().ToList();
        });

    private static Task<List<AuditEvent>> EventsAsync(AdminWorld world, IdpUser user, string type) =>
        world.Idp.WithDbAsync(db => db.AuditEvents.Where(e => e.SubjectId == user.Id && e.Type == type).ToListAsync());
}
