using Idp.Factors.Totp;

namespace Idp.BrowserTests.SignIn;

/// <summary>
/// Journeys 2 and 3 in a real browser: the free grace sign-in, then the enrolment of an authenticator app (QR page,
/// secret read off the page, code typed), the recovery codes, back at the portal; then the PIN page at the next
/// sign-in. Each page on the way is checked with axe-core.
/// </summary>
public sealed class TotpJourneyTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>
{
    private IdpHost Host => fixture.Host;

    [BrowserFact]
    public async Task Totp_EnrolAtSecondSignIn_ThenPinPage_ReachesPortalWithCode()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Totp_EnrolAtSecondSignIn_ThenPinPage_ReachesPortalWithCode));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            // Journey 2: the first sign-in is free.
            await page.GotoAsync(Host.AuthorizeUrl());
            await session.StepAsync("signin");
            await Axe.AssertNoSeriousViolationsAsync(page, "sign-in");
            await SignInAsync(page, user.UserName!);
            await AssertAtCallbackWithCodeAsync(page);

            // Journey 3: the next sign-in enrols.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/enrol/welcome**");
            await session.StepAsync("welcome");
            await Axe.AssertNoSeriousViolationsAsync(page, "welcome");
            await page.Locator("#welcome-form button[type=submit]").ClickAsync();

            await page.WaitForPageAsync("**/enrol?**");
            await session.StepAsync("choose-factor");
            await Axe.AssertNoSeriousViolationsAsync(page, "choose factor");
            await page.Locator("#enrol-totp").ClickAsync();

            await page.WaitForPageAsync("**/enrol/totp**");
            await Assertions.Expect(page.Locator("img.qr-code")).ToBeVisibleAsync();
            Assert.True(await page.Locator("img.qr-code").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the QR code image did not render");
            await session.StepAsync("enrol-totp");
            await Axe.AssertNoSeriousViolationsAsync(page, "TOTP enrolment");
            var secret = Base32.Decode((await page.Locator("#totp-secret").InnerTextAsync()).Replace(" ", ""))
                ?? throw new InvalidOperationException("The secret on the page is not Base32.");
            var step = TotpAlgorithm.StepAt(DateTimeOffset.UtcNow);
            await page.Locator("#Input_Name").FillAsync("Browser test phone");
            await page.Locator("#Input_Code").FillAsync(TotpAlgorithm.Compute(secret, step));
            await page.Locator("#enrol-totp-form button[type=submit]").ClickAsync();

            await page.WaitForPageAsync("**/enrol/recovery-codes**");
            await session.StepAsync("recovery-codes");
            Assert.True(await page.Locator("#recovery-codes li").CountAsync() >= 5);
            await Axe.AssertNoSeriousViolationsAsync(page, "recovery codes");
            await page.Locator("#continue").ClickAsync();
            await AssertAtCallbackWithCodeAsync(page);

            // The profile lists the new factor.
            await page.GotoAsync(Host.BaseUrl + "/profile");
            await session.StepAsync("profile");
            await Assertions.Expect(page.Locator("#factors")).ToContainTextAsync("Browser test phone");
            await Axe.AssertNoSeriousViolationsAsync(page, "profile");

            // The next sign-in asks for the PIN. The code of this step was used: the next step's code is within the window.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/totp**");
            await session.StepAsync("pin");
            await Axe.AssertNoSeriousViolationsAsync(page, "PIN page");
            await page.Locator("#Input_Code").FillAsync(TotpAlgorithm.Compute(secret, step + 1));
            await page.Locator("#totp-form button[type=submit]").ClickAsync();
            await AssertAtCallbackWithCodeAsync(page);

            session.AssertNoErrors();
        });
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.Locator("#Input_Login").FillAsync(login);
        await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
    }

    private async Task AssertAtCallbackWithCodeAsync(IPage page)
    {
        await page.WaitForPageAsync(Host.CallbackUrl + "?**");
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        Assert.False(string.IsNullOrEmpty(query["code"]), $"no code at the callback: {page.Url}");
        Assert.Null(query["error"]);
    }
}
