using Idp.Factors.Totp;
using static Idp.BrowserTests.SignIn.PasskeySteps;

namespace Idp.BrowserTests.SignIn;

/// <summary>
/// Journey 6 as the issue walks it, with samples/Portal beside Idp: registration, enrolment of a passkey, sign-out,
/// password + passkey, password-less sign-in, an authenticator app added on the profile, a PIN session stepped up
/// to the phishing-resistant level by the portal's "Approve a payment" page, and removal of the passkey.
/// </summary>
public sealed class PasskeyPortalWalkTests(BrowserHostFixture fixture) : IClassFixture<BrowserHostFixture>, IAsyncLifetime
{
    private const string Password = "a long passphrase for the walk";
    private PortalHost _portal = null!;

    private IdpHost Host => fixture.Host;

    public Task InitializeAsync()
    {
        _portal = new PortalHost(Host).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [BrowserFact]
    public async Task Journey6_RegisterEnrolPasskey_SignInBothWays_StepUpFromPin_RemovePasskey()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Journey6_RegisterEnrolPasskey_SignInBothWays_StepUpFromPin_RemovePasskey));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            var authenticator = await VirtualAuthenticator.AddAsync(page);

            // Registration, from the portal's sign-in.
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await page.WaitForPageAsync("**/signin**");
            await page.GotoAsync(Host.BaseUrl + "/register?" + new Uri(page.Url).Query.TrimStart('?'));
            await page.Locator("#Input_Email").FillAsync($"walk-{Guid.NewGuid():N}@example.test");
            await page.Locator("#Input_GivenName").FillAsync("Walter");
            await page.Locator("#Input_FamilyName").FillAsync("Gänger");
            await page.Locator("#Input_Password").FillAsync(Password);
            await page.Locator("#Input_ConfirmPassword").FillAsync(Password);
            await page.Locator("#register-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/register/done**");
            var account = (await page.Locator("#account-number").InnerTextAsync()).Trim();
            await session.StepAsync("registered");

            // The first sign-in is free.
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await SignInWithAsync(page, account);
            await page.WaitForPageAsync(_portal.BaseUrl + "/claims");

            // The next one enrols: a passkey.
            await SignOutAsync(session);
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await SignInWithAsync(page, account);
            await page.WaitForPageAsync("**/enrol/welcome**");
            await page.Locator("#welcome-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/enrol?**");
            await page.Locator("#enrol-passkey").ClickAsync();
            await page.WaitForPageAsync("**/enrol/passkey**");
            await page.Locator("#Input_Name").FillAsync("Walk key");
            await page.Locator("#enrol-passkey-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/enrol/recovery-codes**");
            await page.Locator("#continue").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/claims");
            await ExpectClaimAsync(page, "urn:idp:acr:phr");
            await session.StepAsync("enrolled");

            // Sign-out, then password + passkey.
            await SignOutAsync(session);
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await SignInWithAsync(page, account);
            await page.WaitForPageAsync("**/signin/passkey**");
            await page.Locator("#passkey-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/claims");
            await ExpectClaimAsync(page, "urn:idp:acr:phr");

            // Sign-out, then password-less.
            await SignOutAsync(session);
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await page.WaitForPageAsync("**/signin**");
            await page.Locator("#passwordless").ClickAsync();
            await page.WaitForPageAsync("**/signin/passkey-only**");
            await page.Locator("#passwordless-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/claims");
            await ExpectClaimAsync(page, "urn:idp:acr:phr");
            await session.StepAsync("passwordless");

            // An authenticator app added on the profile (the passkey was just used: no step-up needed).
            await page.GotoAsync(Host.BaseUrl + "/profile");
            await page.Locator("#add-totp").ClickAsync();
            await page.WaitForPageAsync("**/enrol/totp**");
            var secret = Base32.Decode((await page.Locator("#totp-secret").InnerTextAsync()).Trim())!;
            await page.Locator("#Input_Name").FillAsync("Walk phone");
            await page.Locator("#Input_Code").FillAsync(TotpAlgorithm.Compute(secret, DateTimeOffset.UtcNow));
            await page.Locator("#enrol-totp-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync("**/profile**");
            await Assertions.Expect(page.Locator("#factors")).ToContainTextAsync("Walk phone");

            // A PIN session: password + the app's next code (the current one was used at enrolment).
            await SignOutAsync(session);
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await SignInWithAsync(page, account);
            await page.WaitForPageAsync("**/signin/totp**");
            await page.Locator("#Input_Code").FillAsync(TotpAlgorithm.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
            await page.Locator("#totp-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/claims");
            await ExpectClaimAsync(page, "urn:idp:acr:mfa");

            // The portal's payment approval asks for the phishing-resistant level: Idp asks the passkey, not the PIN.
            await page.GotoAsync(_portal.BaseUrl + "/approve-payment");
            await page.WaitForPageAsync("**/signin/passkey**");
            Assert.Contains("level=3", page.Url);
            await Assertions.Expect(page.Locator("a[href^='/signin/totp']")).ToHaveCountAsync(0);
            await session.StepAsync("step-up-passkey");
            await page.Locator("#passkey-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/approve-payment");
            await Assertions.Expect(page.Locator("#acr")).ToHaveTextAsync("urn:idp:acr:phr");
            await Assertions.Expect(page.Locator("#amr")).ToHaveTextAsync("pwd, otp, mfa, hwk, user");
            await Assertions.Expect(page.Locator("#approved")).ToBeVisibleAsync();
            await session.StepAsync("approved");

            // Removal of the passkey on the profile: it no longer signs in.
            await page.GotoAsync(Host.BaseUrl + "/profile");
            await page.Locator("#factors tr", new() { HasText = "Walk key" }).Locator("form[id^=remove-] button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Walk key", new() { Timeout = 60_000 });
            await SignOutAsync(session);
            await page.GotoAsync(_portal.BaseUrl + "/claims");
            await page.WaitForPageAsync("**/signin**");
            await page.Locator("#passwordless").ClickAsync();
            await page.WaitForPageAsync("**/signin/passkey-only**");
            await UsePasskeyAsync(page, "#passwordless-form");
            await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("This passkey is no longer registered");
            Assert.Equal(1, await authenticator.CredentialCountAsync());
            await session.StepAsync("removed");
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task SyncedPasskey_GivesSwk_InThePortalsClaims()
    {
        var user = await Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(SyncedPasskey_GivesSwk_InThePortalsClaims));
        var page = session.Page;

        await session.RunAsync(async () =>
        {
            await VirtualAuthenticator.AddAsync(page, synced: true);
            await EnrolAtSecondSignInAsync(session, Host, user.UserName!, "Synced key");
            await session.Context.ClearCookiesAsync();
            await page.GotoAsync(_portal.BaseUrl + "/approve-payment");
            await page.WaitForPageAsync("**/signin**");
            await page.Locator("#passwordless").ClickAsync();
            await page.WaitForPageAsync("**/signin/passkey-only**");
            await page.Locator("#passwordless-form button[type=submit]").ClickAsync();
            await page.WaitForPageAsync(_portal.BaseUrl + "/approve-payment");
            await Assertions.Expect(page.Locator("#acr")).ToHaveTextAsync("urn:idp:acr:phr");
            await Assertions.Expect(page.Locator("#amr")).ToHaveTextAsync("swk, user, mfa");
            session.AssertNoErrors();
        });
    }

    private static async Task SignInWithAsync(IPage page, string account)
    {
        await page.WaitForPageAsync("**/signin**");
        await page.Locator("#Input_Login").FillAsync(account);
        await page.Locator("#Input_Password").FillAsync(Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
    }

    /// <summary>The portal's sign-out button: RP-initiated logout with <c>id_token_hint</c> ends both sessions.</summary>
    private async Task SignOutAsync(BrowserSession session)
    {
        var page = session.Page;
        await page.GotoAsync(_portal.BaseUrl + "/");
        await page.Locator("header form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync(_portal.BaseUrl + "/signed-out?**");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You are signed out");
    }

    private static Task ExpectClaimAsync(IPage page, string acr) =>
        Assertions.Expect(page.Locator("main")).ToContainTextAsync(acr);
}
