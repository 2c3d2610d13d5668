namespace Idp.BrowserTests.SignIn;

/// <summary>The pages not on the TOTP journey, checked with axe-core for WCAG 2.1 AA: registration and consent.</summary>
public sealed class AccessibilityTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>
{
    private IdpHost Host => fixture.Host;

    [BrowserFact]
    public async Task Register_Page_HasNoSeriousWcagViolations()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Register_Page_HasNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await page.GotoAsync(Host.AuthorizeUrl());
            await page.Locator("a[href*='/register']").ClickAsync();
            await page.WaitForPageAsync("**/register**");
            await session.StepAsync("register");
            await Axe.AssertNoSeriousViolationsAsync(page, "registration");

            // With errors shown (summary, aria-invalid fields).
            await page.Locator("#register-form button[type=submit]").ClickAsync();
            await page.WaitForSelectorAsync("[aria-invalid=true]");
            await session.StepAsync("register-errors");
            await Axe.AssertNoSeriousViolationsAsync(page, "registration with errors");
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task Consent_Page_HasNoSeriousWcagViolations()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Consent_Page_HasNoSeriousWcagViolations));
        var page = session.Page;
        await session.RunAsync(async () =>
        {
            await page.GotoAsync(Host.AuthorizeUrl(IdpHost.ThirdPartyClientId));
            await page.Locator("#Input_Login").FillAsync(user.UserName!);
            await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
            await page.Locator("#signin-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/consent**");
            await session.StepAsync("consent");
            await Axe.AssertNoSeriousViolationsAsync(page, "consent");

            await page.Locator("#consent-form button[formaction*='Allow']").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            Assert.Contains("code=", page.Url);
            session.AssertNoErrors();
        });
    }
}
