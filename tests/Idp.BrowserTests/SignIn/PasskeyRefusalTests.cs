using static Idp.BrowserTests.SignIn.PasskeySteps;

namespace Idp.BrowserTests.SignIn;

/// <summary>
/// Journey 6's refusals in a real browser: an expired challenge, another user's credential, a wrong origin, a
/// removed passkey, and a browser without WebAuthn. Each ends on the page with a clear message.
/// </summary>
public sealed class PasskeyRefusalTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>
{
    private IdpHost Host => fixture.Host;

    [BrowserFact]
    public async Task Passkey_ExpiredChallenge_IsRefused_ThenAFreshOneWorks()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_ExpiredChallenge_IsRefused_ThenAFreshOneWorks));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            await VirtualAuthenticator.AddAsync(page);
            await EnrolAtSecondSignInAsync(session, Host, user.UserName!);
            await PasswordThenPasskeyPageAsync(session, Host, user.UserName!);
            try
            {
                // The options on the page were made now; the server answers six minutes later (lifetime five).
                Host.Clock.Offset = TimeSpan.FromMinutes(6);
                await UsePasskeyAsync(page);
                await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("The passkey request has expired");
                await session.StepAsync("expired");
                Assert.Contains("/signin/passkey", page.Url);

                // The answer carries fresh options: the passkey works.
                await page.Locator("#passkey-form button[type=submit]").ClickAsync();
                await page.WaitForPageAsync(Host.CallbackUrl + "?**");
            }
            finally
            {
                Host.Clock.Offset = TimeSpan.Zero;
            }
        });
    }

    [BrowserFact]
    public async Task Passkey_AnotherUsersCredential_IsRefused()
    {
        var alice = await Host.CreateUserAsync();
        var bob = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_AnotherUsersCredential_IsRefused));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            // One authenticator holds a passkey of each.
            var authenticator = await VirtualAuthenticator.AddAsync(page);
            await EnrolAtSecondSignInAsync(session, Host, alice.UserName!, "Alice's key");
            var alicesCredential = Assert.Single(await authenticator.CredentialIdsAsync());
            await session.Context.ClearCookiesAsync();
            await EnrolAtSecondSignInAsync(session, Host, bob.UserName!, "Bob's key");
            Assert.Equal(2, await authenticator.CredentialCountAsync());

            // Bob's password, then an assertion made with Alice's passkey against Bob's challenge.
            await PasswordThenPasskeyPageAsync(session, Host, bob.UserName!);
            await page.EvaluateAsync("""
                id => {
                    const form = document.getElementById('passkey-form');
                    const options = JSON.parse(form.dataset.passkeyOptions);
                    options.allowCredentials = [{ type: 'public-key', id: id }];
                    form.dataset.passkeyOptions = JSON.stringify(options);
                }
                """, alicesCredential);
            await UsePasskeyAsync(page);
            await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("This passkey belongs to another account.");
            await session.StepAsync("other-user");
            Assert.Contains("/signin/passkey", page.Url);

            // Bob's own passkey still signs Bob in.
            await page.Locator("#passkey-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(Host.CallbackUrl + "?**");
        });
    }

    [BrowserFact]
    public async Task Passkey_WrongOrigin_IsRefused()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_WrongOrigin_IsRefused));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            await VirtualAuthenticator.AddAsync(page);
            await EnrolAtSecondSignInAsync(session, Host, user.UserName!);
            await PasswordThenPasskeyPageAsync(session, Host, user.UserName!);

            // The same page through another port: same relying-party id and cookies, an origin not configured.
            var path = new Uri(page.Url).PathAndQuery;
            await page.GotoAsync(Host.OtherOrigin + path);
            await page.WaitForPageAsync("**/signin/passkey**");
            await UsePasskeyAsync(page);
            await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("This passkey could not be verified.");
            await session.StepAsync("wrong-origin");
            Assert.StartsWith(Host.OtherOrigin + "/signin/passkey", page.Url);
        });
    }

    [BrowserFact]
    public async Task Passkey_RemovedOnTheProfile_SaysNoLongerRegistered_OffersThePassword()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_RemovedOnTheProfile_SaysNoLongerRegistered_OffersThePassword));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            var authenticator = await VirtualAuthenticator.AddAsync(page);
            await EnrolAtSecondSignInAsync(session, Host, user.UserName!, "Old key");

            // The session has just proved the passkey: removal needs no further step-up.
            await page.GotoAsync(Host.BaseUrl + "/profile");
            await page.WaitForPageAsync("**/profile**");
            await Assertions.Expect(page.Locator("#factors")).ToContainTextAsync("Old key");
            await page.Locator("#factors form[id^=remove-] button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Old key", new() { Timeout = 60_000 });
            await session.StepAsync("removed");

            // The authenticator still holds it; Idp no longer accepts it.
            Assert.Equal(1, await authenticator.CredentialCountAsync());
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(Host.AuthorizeUrl());
            await page.Locator("#passwordless").ClickAsync();
            await page.WaitForPageAsync("**/signin/passkey-only**");
            await UsePasskeyAsync(page, "#passwordless-form");
            // Trying again can never work: the page says so and offers the password (then the other ways in).
            await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("This passkey is no longer registered");
            await Assertions.Expect(page.Locator("#use-password")).ToBeVisibleAsync();
            await session.StepAsync("removed-refused");
            Assert.Contains("/signin/passkey-only", page.Url);
        });
    }

    [BrowserFact]
    public async Task Passkey_BrowserWithoutWebAuthn_SaysSo_AndOffersTheOtherFactors()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Passkey_BrowserWithoutWebAuthn_SaysSo_AndOffersTheOtherFactors));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            await VirtualAuthenticator.AddAsync(page);
            await EnrolAtSecondSignInAsync(session, Host, user.UserName!);

            // From here on the browser has no WebAuthn.
            await page.AddInitScriptAsync("delete window.PublicKeyCredential;");
            await PasswordThenPasskeyPageAsync(session, Host, user.UserName!);
            await Assertions.Expect(page.Locator("#passkey-unsupported")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#passkey-unsupported")).ToContainTextAsync("This browser does not support passkeys");
            await Assertions.Expect(page.Locator("#passkey-form button[type=submit]")).ToBeDisabledAsync();
            await session.StepAsync("unsupported");

            // The recovery code is offered instead.
            await page.Locator("#use-recovery-code").ClickAsync();
            await page.WaitForPageAsync("**/signin/recovery-code**");
            session.AssertNoErrors();
        });
    }
}
