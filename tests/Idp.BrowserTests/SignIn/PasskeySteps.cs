namespace Idp.BrowserTests.SignIn;

/// <summary>What a user does on the sign-in and passkey pages, shared by the passkey tests.</summary>
internal static class PasskeySteps
{
    public static async Task SignInAsync(IPage page, string login)
    {
        await page.Locator("#Input_Login").FillAsync(login);
        await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
    }

    /// <summary>The free grace sign-in, then the next sign-in enrols a passkey and returns to the portal.</summary>
    public static async Task EnrolAtSecondSignInAsync(BrowserSession session, IdpHost host, string login, string name = "Virtual key")
    {
        var page = session.Page;
        await page.GotoAsync(host.AuthorizeUrl());
        await SignInAsync(page, login);
        await page.WaitForPageAsync(host.CallbackUrl + "?**");
        await session.Context.ClearCookiesAsync();
        await page.GotoAsync(host.AuthorizeUrl());
        await SignInAsync(page, login);
        await page.WaitForPageAsync("**/enrol/welcome**");
        await page.Locator("#welcome-form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync("**/enrol?**");
        await page.Locator("#enrol-passkey").ClickAsync();
        await page.WaitForPageAsync("**/enrol/passkey**");
        await page.Locator("#Input_Name").FillAsync(name);
        await page.Locator("#enrol-passkey-form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync("**/enrol/recovery-codes**");
        await page.Locator("#continue").ClickAsync();
        await page.WaitForPageAsync(host.CallbackUrl + "?**");
    }

    /// <summary>A new sign-in of <paramref name="login"/> up to the passkey page (cookies cleared first).</summary>
    public static async Task PasswordThenPasskeyPageAsync(BrowserSession session, IdpHost host, string login)
    {
        await session.Context.ClearCookiesAsync();
        await session.Page.GotoAsync(host.AuthorizeUrl());
        await SignInAsync(session.Page, login);
        await session.Page.WaitForPageAsync("**/signin/passkey**");
    }

    /// <summary>Clicks the passkey form's button and waits for the page that answers the ceremony.</summary>
    public static async Task UsePasskeyAsync(IPage page, string formId = "#passkey-form")
    {
        await page.RunAndWaitForRequestFinishedAsync(
            () => page.Locator($"{formId} button[type=submit]").ClickAsync(),
            new() { Predicate = request => request.Method == "POST", Timeout = 60_000 });
        await page.Locator("body").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }
}
