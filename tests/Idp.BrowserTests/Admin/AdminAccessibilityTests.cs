using Idp.Factors.Totp;
using Idp.Helpdesk;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.BrowserTests.Admin;

/// <summary>
/// The admin area in a real browser beside Idp: a staff member signs in at Idp (password and authenticator code),
/// and the queue, a request page (before and after claiming it), the SLA dashboard with its chart, users, clients,
/// keys and the audit log are checked with axe-core for WCAG 2.1 AA; then the same without JavaScript.
/// </summary>
public sealed class AdminAccessibilityTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    [BrowserFact]
    public async Task AdminPages_QueueRequestDashboardAndLists_HaveNoSeriousWcagViolations()
    {
        var (staff, secret) = await fixture.CreateStaffAsync(AdminFixture.AllRoles);
        var reference = await SubmitResetRequestAsync();
        await using var session = await fixture.NewSessionAsync(nameof(AdminPages_QueueRequestDashboardAndLists_HaveNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await SignInAsync(page, staff.UserName!, secret);
            await Assertions.Expect(page.Locator("#queue")).ToContainTextAsync(reference);
            await session.StepAsync("queue");
            await Axe.AssertNoSeriousViolationsAsync(page, "admin: queue");

            await page.Locator("#queue a", new() { HasText = reference }).ClickAsync();
            await Assertions.Expect(page.Locator("#request-details")).ToBeVisibleAsync();
            await session.StepAsync("request");
            await Axe.AssertNoSeriousViolationsAsync(page, "admin: request");
            await page.Locator("#claim-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#request-assignee")).ToContainTextAsync(staff.AccountNumber!);
            await session.StepAsync("request-claimed");
            await Axe.AssertNoSeriousViolationsAsync(page, "admin: request, claimed (decision forms)");

            foreach (var (path, name) in new[] { ("/dashboard", "SLA dashboard"), ("/users", "users"), ("/clients", "clients"), ("/keys", "keys"), ("/audit", "audit") })
            {
                await page.GotoAsync(fixture.Admin.BaseUrl + path);
                await page.WaitForPageAsync("**" + path + "**");
                await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
                await session.StepAsync(name);
                if (path == "/dashboard") // the chart is an image with a text alternative, and its numbers are also a table
                {
                    await Assertions.Expect(page.Locator("#sla-chart")).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex("Decisions per day"));
                    await Assertions.Expect(page.Locator("#sla-table caption")).Not.ToBeEmptyAsync();
                }
                await Axe.AssertNoSeriousViolationsAsync(page, "admin: " + name);
            }
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task AdminPages_WithoutJavaScript_SignInAndClaimWorkByFormPosts()
    {
        var (staff, secret) = await fixture.CreateStaffAsync(AdminFixture.AllRoles);
        var reference = await SubmitResetRequestAsync();
        await using var session = await fixture.NewSessionAsync(nameof(AdminPages_WithoutJavaScript_SignInAndClaimWorkByFormPosts), javaScript: false);
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await SignInAsync(page, staff.UserName!, secret);
            await page.Locator("#queue a", new() { HasText = reference }).ClickAsync();
            await Assertions.Expect(page.Locator("#request-details")).ToBeVisibleAsync();
            await page.Locator("#claim-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#request-assignee")).ToContainTextAsync(staff.AccountNumber!);
        });
    }

    private async Task SignInAsync(IPage page, string login, byte[] secret)
    {
        await page.GotoAsync(fixture.Admin.BaseUrl + "/queue");
        await page.WaitForPageAsync("**/signin**");
        await page.Locator("#Input_Login").FillAsync(login);
        await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync("**/signin/totp**");
        await page.Locator("#Input_Code").FillAsync(TotpAlgorithm.Compute(secret, DateTimeOffset.UtcNow));
        await page.Locator("#totp-form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync(fixture.Admin.BaseUrl + "/queue");
    }

    /// <summary>A user's reset request as the user's form submits it; returns its reference.</summary>
    private async Task<string> SubmitResetRequestAsync()
    {
        var user = await fixture.Host.CreateUserAsync();
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<HelpdeskRequests>()
            .SubmitAsync(user, new ResetRequestForm(ResetReason.Lost, "+49 89 1234567", "Phone lost on the train"), new DefaultHttpContext());
        Assert.Equal(SubmitOutcome.Created, result.Outcome);
        return result.Request!.Reference;
    }
}
