namespace Idp.BrowserTests.SignIn;

/// <summary>
/// Journey 6 (first part) in a real browser with Chromium's virtual authenticator: a passkey enrolled at the
/// enrolment prompt, used as the second factor after the password and for a password-less sign-in; a replayed
/// response is refused.
/// </summary>
public sealed class PasskeyJourneyTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>
{
    private IdpHost Host => fixture.Host;

    [BrowserFact]
    public async Task Passkey_EnrolThenSecondFactor_ReachesPortalWithCode()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_EnrolThenSecondFactor_ReachesPortalWithCode));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            var authenticator = await VirtualAuthenticator.AddAsync(page);

            // The grace sign-in, then the enrolment prompt: choose a passkey.
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/enrol/welcome**");
            await page.Locator("#welcome-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/enrol?**");
            await page.Locator("#enrol-passkey").ClickAsync();

            await page.WaitForPageAsync("**/enrol/passkey**");
            await session.StepAsync("enrol-passkey");
            await Axe.AssertNoSeriousViolationsAsync(page, "passkey enrolment");
            await page.Locator("#Input_Name").FillAsync("Virtual key");
            await page.Locator("#enrol-passkey-form button[type=submit]").ClickAsync();

            await page.WaitForPageAsync("**/enrol/recovery-codes**");
            await session.StepAsync("recovery-codes");
            Assert.Equal(1, await authenticator.CredentialCountAsync());
            await page.Locator("#continue").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");

            // Next sign-in: password, then the passkey.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/passkey**");
            await session.StepAsync("passkey-challenge");
            await Axe.AssertNoSeriousViolationsAsync(page, "passkey page");
            await page.Locator("#passkey-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            Assert.Contains("code=", page.Url);

            await page.GotoAsync(Host.BaseUrl + "/profile");
            await Assertions.Expect(page.Locator("#factors")).ToContainTextAsync("Virtual key");

            // Password-less: the sign-in page's passkey link, no account number, no password.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await page.Locator("#passwordless").ClickAsync();
            await page.WaitForPageAsync("**/signin/passkey-only**");
            await session.StepAsync("passwordless");
            await Axe.AssertNoSeriousViolationsAsync(page, "password-less sign-in");
            await page.Locator("#passwordless-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            Assert.Contains("code=", page.Url);
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task Passkey_ReplayedResponse_IsRefused()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_ReplayedResponse_IsRefused));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            await VirtualAuthenticator.AddAsync(page);
            await EnrolAtSecondSignInAsync(session, user.UserName!);

            // A successful assertion, captured on its way to the server.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/passkey**");
            var post = await page.RunAndWaitForRequestAsync(
                () => page.Locator("#passkey-form button[type=submit]").ClickAsync(),
                request => request.Method == "POST" && request.Url.Contains("/signin/passkey"));
            var captured = System.Web.HttpUtility.ParseQueryString(post.PostData ?? "")["Credential"];
            Assert.False(string.IsNullOrEmpty(captured));
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");

            // The same response again at the next sign-in: the challenge does not match.
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await SignInAsync(page, user.UserName!);
            await page.WaitForPageAsync("**/signin/passkey**");
            await page.EvaluateAsync("""
                credential => {
                    const form = document.getElementById('passkey-form');
                    form.querySelector('input[name=Credential]').value = credential;
                    HTMLFormElement.prototype.submit.call(form);
                }
                """, captured);
            await page.WaitForLoadStateAsync();
            await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("could not be verified");
            await session.StepAsync("replay-refused");
            Assert.Contains("/signin/passkey", page.Url);

            // A fresh ceremony still works.
            await page.Locator("#passkey-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
        });
    }

    private static Task SignInAsync(IPage page, string login) => PasskeySteps.SignInAsync(page, login);

    private Task EnrolAtSecondSignInAsync(BrowserSession session, string login) => PasskeySteps.EnrolAtSecondSignInAsync(session, Host, login);
}
