using System.Security.Cryptography;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.BrowserTests.Helpdesk;

/// <summary>
/// The push waiting page (waiting, denied, too soon, expired), the helpdesk reset request and its status, the temporary access
/// pass, the push enrolment and the profile's phone number and push device: checked with axe-core for WCAG 2.1 AA,
/// and the forms used without JavaScript. The device is a push credential written to the database and its decisions
/// are database updates (the waiting page reads the state from there); the companion app has its own journey test.
/// </summary>
public sealed class NewPagesAccessibilityTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>
{
    private IdpHost Host => fixture.Host;

    [BrowserFact]
    public async Task PushWaitingPage_WaitingDeniedTooSoonExpired_HaveNoSeriousWcagViolations()
    {
        var user = await CreateUserWithPushDeviceAsync();
        await using var session = await fixture.NewSessionAsync(nameof(PushWaitingPage_WaitingDeniedTooSoonExpired_HaveNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/push**");
            await Assertions.Expect(page.Locator("#push-number")).ToBeVisibleAsync();
            await session.StepAsync("push-waiting");
            await Axe.AssertNoSeriousViolationsAsync(page, "push waiting");

            // Denied on the device: the page hears of it and says so.
            await DecideLatestAsync(user.Id, r => r.State = PushRequestState.Denied);
            await Assertions.Expect(page.Locator("#push-denied")).ToBeVisibleAsync();
            await session.StepAsync("push-denied");
            await Axe.AssertNoSeriousViolationsAsync(page, "push denied");

            // A new request at once is refused for a while (against push bombing); the page says why, in minutes.
            await page.Locator("#push-new-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("The sign-in was denied in the app. You can send a new request in less than a minute.");
            await session.StepAsync("push-too-soon");
            await Axe.AssertNoSeriousViolationsAsync(page, "push too soon");

            // Later a new request goes out, and runs out unanswered (the server's clock moves on).
            try
            {
                Host.Clock.Offset = TimeSpan.FromMinutes(5);
                await page.Locator("#push-new-form button[type=submit]").ClickAsync();
                await Assertions.Expect(page.Locator("#push-number")).ToBeVisibleAsync();
                Host.Clock.Offset = TimeSpan.FromMinutes(8); // past the request's two minutes, within the pending sign-in's ten
                await page.Locator("#push-form button[type=submit]").ClickAsync();
                await Assertions.Expect(page.Locator("#push-expired")).ToBeVisibleAsync();
            }
            finally
            {
                Host.Clock.Offset = TimeSpan.Zero;
            }
            await session.StepAsync("push-expired");
            await Axe.AssertNoSeriousViolationsAsync(page, "push expired");
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task ResetRequest_FormErrorsAndStatus_HaveNoSeriousWcagViolations()
    {
        var user = await CreateUserWithPushDeviceAsync();
        await using var session = await fixture.NewSessionAsync(nameof(ResetRequest_FormErrorsAndStatus_HaveNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/push**");
            await page.Locator("#cannot-use-factor").ClickAsync();
            await page.WaitForPageAsync("**/signin/reset**");
            await session.StepAsync("reset");
            await Axe.AssertNoSeriousViolationsAsync(page, "reset request");

            await page.Locator("#reset-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".error-summary, [role=alert]").First).ToBeVisibleAsync();
            await session.StepAsync("reset-errors");
            await Axe.AssertNoSeriousViolationsAsync(page, "reset request with errors");

            await page.Locator("#reason-Lost").CheckAsync();
            await page.Locator("#Input_Contact").FillAsync("+49 151 1234567");
            await page.Locator("#reset-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/signin/reset/status**");
            await Assertions.Expect(page.Locator("#status-reference")).Not.ToBeEmptyAsync();
            await session.StepAsync("reset-status");
            await Axe.AssertNoSeriousViolationsAsync(page, "reset status");

            // Without a pending sign-in the status page only asks to sign in.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.BaseUrl + "/signin/reset/status");
            await Assertions.Expect(page.Locator("#status-sign-in")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, "reset status, signed out");
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task AccessPass_PageAndWrongCode_HaveNoSeriousWcagViolations()
    {
        var user = await CreateUserWithPushDeviceAsync();
        await using var session = await fixture.NewSessionAsync(nameof(AccessPass_PageAndWrongCode_HaveNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/push**");
            await page.Locator("#enter-access-pass").ClickAsync();
            await page.WaitForPageAsync("**/signin/access-pass**");
            await session.StepAsync("access-pass");
            await Axe.AssertNoSeriousViolationsAsync(page, "access pass");

            await page.Locator("#Code").FillAsync("WRONG-PASS-123");
            await page.Locator("#access-pass-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#Code[aria-invalid=true], .error-summary").First).ToBeVisibleAsync();
            await session.StepAsync("access-pass-error");
            await Axe.AssertNoSeriousViolationsAsync(page, "access pass with error");
        });
    }

    [BrowserFact]
    public async Task PushEnrolment_PhoneStepAndInstructions_HaveNoSeriousWcagViolations()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(PushEnrolment_PhoneStepAndInstructions_HaveNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            // The first sign-in is free; the next one enrols.
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            await session.Context.ClearCookiesAsync();
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/enrol/welcome**");
            await page.Locator("#welcome-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/enrol?**");
            await page.Locator("#enrol-push").ClickAsync();

            await page.WaitForPageAsync("**/enrol/push**");
            await Assertions.Expect(page.Locator("#push-phone-form")).ToBeVisibleAsync();
            await session.StepAsync("enrol-push-phone");
            await Axe.AssertNoSeriousViolationsAsync(page, "push enrolment: phone number");

            await page.Locator("#push-phone-form button[type=submit]").ClickAsync();
            await page.WaitForSelectorAsync("[aria-invalid=true]");
            await session.StepAsync("enrol-push-phone-error");
            await Axe.AssertNoSeriousViolationsAsync(page, "push enrolment: phone number with error");

            await page.Locator("#Input_PhoneNumber").FillAsync("+49 151 7654321");
            await page.Locator("#push-phone-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#enrol-push-form")).ToBeVisibleAsync();
            await session.StepAsync("enrol-push-steps");
            await Axe.AssertNoSeriousViolationsAsync(page, "push enrolment: instructions");
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task Profile_PhoneNumberAndPushDevice_HaveNoSeriousWcagViolations()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Profile_PhoneNumberAndPushDevice_HaveNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            await page.GotoAsync(Host.BaseUrl + "/profile");
            await Assertions.Expect(page.Locator("#phone-form")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, "profile without phone number");

            await page.Locator("#phone-number").FillAsync("+49 151 2223334");
            await page.Locator("#phone-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#phone-number")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("2223334"));
            await session.StepAsync("profile-phone");
            await Axe.AssertNoSeriousViolationsAsync(page, "profile with phone number");

            await AddPushDeviceAsync(user.Id, "Pixel of Erika");
            await page.GotoAsync(Host.BaseUrl + "/profile");
            await Assertions.Expect(page.Locator("#factors")).ToContainTextAsync("Pixel of Erika");
            await session.StepAsync("profile-push-device");
            await Axe.AssertNoSeriousViolationsAsync(page, "profile with push device");
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task WithoutJavaScript_PushContinueAndResetRequestAndAccessPass_WorkByFormPosts()
    {
        var user = await CreateUserWithPushDeviceAsync();
        await using var session = await fixture.NewSessionAsync(nameof(WithoutJavaScript_PushContinueAndResetRequestAndAccessPass_WorkByFormPosts), javaScript: false);
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            // Push: "Continue" before the decision says it is still pending; after the approval it signs in.
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/push**");
            await Assertions.Expect(page.Locator("#push-number")).ToBeVisibleAsync();
            await page.Locator("#push-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#push-number")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".error-summary, [role=alert]").First).ToBeVisibleAsync();
            await DecideLatestAsync(user.Id, r => r.State = PushRequestState.Approved);
            await page.Locator("#push-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            Assert.Contains("code=", page.Url);

            // The temporary access pass form posts and answers a wrong pass with an error.
            await session.Context.ClearCookiesAsync();
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/push**");
            await page.Locator("#enter-access-pass").ClickAsync();
            await page.WaitForPageAsync("**/signin/access-pass**");
            await page.Locator("#Code").FillAsync("WRONG-PASS-123");
            await page.Locator("#access-pass-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#Code[aria-invalid=true], .error-summary").First).ToBeVisibleAsync();

            // The reset request form posts and shows the request's state.
            await page.GotoAsync(Host.BaseUrl + "/signin/reset");
            await page.Locator("#reason-Broken").CheckAsync();
            await page.Locator("#Input_Contact").FillAsync(user.Email!);
            await page.Locator("#reset-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/signin/reset/status**");
            await Assertions.Expect(page.Locator("#status-state")).ToHaveAttributeAsync("data-state", "Open");
        });
    }

    private async Task<IdpUser> CreateUserWithPushDeviceAsync()
    {
        var user = await Host.CreateUserAsync(u => u.PhoneNumber = "+49 151 " + Random.Shared.Next(1000000, 9999999));
        await AddPushDeviceAsync(user.Id, "Test phone");
        return user;
    }

    /// <summary>A device as the registration would leave it (a fresh P-256 key; the token is never used here).</summary>
    private async Task AddPushDeviceAsync(string userId, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        db.PushCredentials.Add(new PushCredential
        {
            Id = Guid.NewGuid().ToString("N"),
            SubjectId = userId,
            DeviceName = name,
            PublicKey = key.ExportSubjectPublicKeyInfo(),
            AccessTokenHash = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>What the device would do to the user's newest request (the waiting page reads the state from the database).</summary>
    private async Task DecideLatestAsync(string userId, Action<PushRequest> decide)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var request = (await db.PushRequests.Where(r => r.SubjectId == userId).ToListAsync())
            .OrderByDescending(r => r.CreatedAt).First();
        decide(request);
        if (request.State is not PushRequestState.Pending)
            request.DecidedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
    }

    private async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync(Host.AuthorizeUrl());
        await page.Locator("#Input_Login").FillAsync(login);
        await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
    }
}
