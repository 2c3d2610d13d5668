using System.Text.RegularExpressions;
using Idp.BrowserTests.Infrastructure;
using Idp.BrowserTests.Push;
using Idp.Factors.Totp;

namespace Idp.BrowserTests.Vault;

/// <summary>
/// The companion authenticator's TOTP side on a computer without a smartphone: Idp's enrolment page in one tab, the
/// PWA in another. The vault's password is set with the manual's rules shown live; the account is added with the
/// otpauth:// link taken from Idp's real enrolment page and the code the app shows finishes that enrolment; the
/// secrets are sealed at rest; five wrong passwords lock with a doubling wait that survives a reload, ten wipe the
/// secrets but keep the names. The page's clock is Playwright's, so the waits pass without waiting.
/// </summary>
public sealed partial class VaultJourneyTests(PushJourneyFixture fixture) : IClassFixture<PushJourneyFixture>
{
    private const string VaultPassword = "Sommer#2026x";

    [BrowserFact]
    public async Task Vault_AddByLinkFromEnrolment_CodeFinishesEnrolment_LocksAfterFive_WipesAfterTen()
    {
        var user = await fixture.Host.CreateUserAsync();
        await using var session = await fixture.NewSessionAsync(nameof(Vault_AddByLinkFromEnrolment_CodeFinishesEnrolment_LocksAfterFive_WipesAfterTen));
        await session.Context.Clock.InstallAsync();
        var idp = session.Page;
        var app = await session.Context.NewPageAsync();

        await session.RunAsync(async () =>
        {
            var link = await OpenTotpEnrolmentAsync(session, user.UserName!);
            var secret = Base32.Decode(Regex.Match(link, "[?&]secret=([A-Z2-7]+)").Groups[1].Value)!;

            // The password, with the manual's rules shown as met or not met while typing.
            await app.GotoAsync(fixture.AuthenticatorUrl + "/#/codes");
            await Assertions.Expect(app.Locator("#vault-setup")).ToBeVisibleAsync(Slow);
            await PushJourneyTests.InGermanAsync(app);
            var rules = app.Locator("#password-rules li");
            await Assertions.Expect(rules).ToHaveCountAsync(6);
            await Assertions.Expect(rules.First).ToHaveTextAsync("Mindestens 1 Großbuchstabe (nicht erfüllt)");
            await app.Locator("#vault-password").FillAsync("abc");
            await Assertions.Expect(app.Locator("#password-rules li[data-rule=lower]")).ToHaveTextAsync("Mindestens 1 Kleinbuchstabe (erfüllt)");
            await Assertions.Expect(app.Locator("#password-rules li[data-rule=upper]")).ToHaveClassAsync("unmet");
            await app.Locator("#vault-create").ClickAsync();
            await Assertions.Expect(app.Locator("#vault-setup-error")).ToBeVisibleAsync();
            await app.Locator("#vault-password").FillAsync(VaultPassword);
            await app.Locator("#vault-repeat").FillAsync(VaultPassword);
            await Assertions.Expect(app.Locator("#password-rules li.met")).ToHaveCountAsync(6);
            await Axe.AssertNoSeriousViolationsAsync(app, "authenticator: vault password");
            await app.Locator("#vault-create").ClickAsync();

            // Added by the otpauth:// link of Idp's enrolment page.
            await app.Locator("#add-code").ClickAsync(new() { Timeout = 30_000 });
            await app.Locator("#otpauth-link").FillAsync(link);
            await app.Locator("#use-link").ClickAsync();
            await Assertions.Expect(app.Locator("#code-name")).ToHaveValueAsync(new Regex(user.AccountNumber!));
            await Assertions.Expect(app.Locator("#code-details")).ToHaveTextAsync("Zeitbasiert (TOTP), SHA-1, 6 Stellen, 30 Sekunden");
            await Axe.AssertNoSeriousViolationsAsync(app, "authenticator: add a service");
            await app.Locator("#save-code").ClickAsync();
            var entry = app.Locator("#codes li.code-entry");
            await Assertions.Expect(entry.Locator(".otp")).ToHaveTextAsync(new Regex("^[0-9]{6}$"), SlowText);
            await Assertions.Expect(entry.Locator(".countdown")).ToContainTextAsync("Aktualisierung in");
            await Axe.AssertNoSeriousViolationsAsync(app, "authenticator: codes");

            // The code shown is the server's: Idp accepts it and the enrolment is done.
            var code = await entry.Locator(".otp").InnerTextAsync();
            var now = DateTimeOffset.UtcNow;
            Assert.Contains(code, new[] { TotpAlgorithm.Compute(secret, now), TotpAlgorithm.Compute(secret, now.AddSeconds(-30)), TotpAlgorithm.Compute(secret, now.AddSeconds(30)) });
            await idp.Locator("#Input_Code").FillAsync(code);
            await idp.Locator("#enrol-totp-form button[type=submit]").ClickAsync();
            await idp.WaitForPageAsync("**/enrol/recovery-codes**");
            await session.StepAsync("enrolled");

            // Nothing readable at rest: the secret neither as Base32 nor as bytes.
            var stored = await VaultStorage.StoredAsync(app);
            Assert.DoesNotContain(Base32.Encode(secret), stored.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToHexString(secret), stored.Text, StringComparison.OrdinalIgnoreCase);
            Assert.True(stored.Sealed.Single());

            // Four wrong passwords: told how many are left.
            await app.Locator("#vault-lock").ClickAsync();
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                await WrongPasswordAsync(app);
                await Assertions.Expect(app.Locator("#vault-unlock-error")).ToContainTextAsync($"Nach {10 - attempt} weiteren Fehlversuchen");
                await Assertions.Expect(app.Locator("#vault-locked")).ToBeHiddenAsync();
            }

            // The fifth locks for a wait that doubles with each further one, shown as the manual shows it; a reload
            // keeps the count and the wait.
            var waits = new[] { 10, 20, 40, 80, 160 };
            for (var attempt = 5; attempt <= 9; attempt++)
            {
                await WrongPasswordAsync(app);
                await Assertions.Expect(app.Locator("#vault-locked")).ToHaveTextAsync(new Regex(@"^Gesperrt für \d+ (Sekunden|Minuten und \d+ Sekunden)$"));
                await Assertions.Expect(app.Locator("#vault-open")).ToBeDisabledAsync();
                if (attempt == 5)
                {
                    await Assertions.Expect(app.Locator("#vault-locked")).ToHaveTextAsync(new Regex(@"^Gesperrt für (10|9) Sekunden$"));
                    await session.StepAsync("locked");
                    await app.ReloadAsync();
                    await Assertions.Expect(app.Locator("#vault-locked")).ToBeVisibleAsync(Slow);
                    await Assertions.Expect(app.Locator("#vault-open")).ToBeDisabledAsync();
                }
                // The wait runs from the wrong attempt, and the steps since took real time as well (a screenshot and
                // a reload took over 3 s on a busy machine): so the wait is read off the page, and the clock moves to
                // 3 s before its end as the page sees it.
                var (waitMs, leftMs) = await VaultStorage.LockoutAsync(app);
                Assert.Equal(waits[attempt - 5] * 1000L, waitMs);
                await session.Context.Clock.FastForwardAsync(leftMs - 3000);
                await Assertions.Expect(app.Locator("#vault-open")).ToBeDisabledAsync();
                await session.Context.Clock.FastForwardAsync(4000);
                await Assertions.Expect(app.Locator("#vault-open")).ToBeEnabledAsync(SlowEnabled);
            }

            // The tenth wipes the secrets; the names stay, so the user knows where to enrol again.
            await WrongPasswordAsync(app);
            await Assertions.Expect(app.Locator("#vault-wiped")).ToBeVisibleAsync(Slow);
            await Assertions.Expect(app.Locator("#wiped-names")).ToContainTextAsync(user.AccountNumber!);
            await Assertions.Expect(app.Locator("#vault-setup")).ToBeVisibleAsync();
            await session.StepAsync("wiped");
            stored = await VaultStorage.StoredAsync(app);
            Assert.False(stored.Sealed.Single());
            Assert.Contains(stored.Names, name => name.Contains(user.AccountNumber!, StringComparison.Ordinal));
            Assert.DoesNotContain("\"salt\"", stored.Text, StringComparison.Ordinal);

            // A new password: the list is back, without a code, asking for a new token.
            await SetPasswordAsync(app);
            await Assertions.Expect(entry.Locator(".missing")).ToBeVisibleAsync(Slow);
            await Assertions.Expect(entry.Locator(".otp")).ToHaveCountAsync(0);
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task Vault_EditDelete_ThenResetPassword_AfterConfirmation_WipesSecretsKeepsNames()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Vault_EditDelete_ThenResetPassword_AfterConfirmation_WipesSecretsKeepsNames));
        var app = session.Page;
        await session.RunAsync(async () =>
        {
            await app.GotoAsync(fixture.AuthenticatorUrl + "/#/codes");
            await Assertions.Expect(app.Locator("#vault-setup")).ToBeVisibleAsync(Slow);
            await PushJourneyTests.InGermanAsync(app);
            await SetPasswordAsync(app);
            await AddTypedAsync(app, "NRW connect", "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP", "https://example.test");
            await AddTypedAsync(app, "Zum Löschen", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "");

            // Edit keeps the token when none is typed; delete asks first.
            var first = app.Locator("#codes li.code-entry", new() { HasText = "NRW connect" });
            var before = await first.Locator(".otp").InnerTextAsync();
            await first.Locator("a.edit").ClickAsync();
            await app.Locator("#code-name").FillAsync("NRW connect extern");
            await app.Locator("#save-code").ClickAsync();
            await Assertions.Expect(app.Locator("#codes li.code-entry h2").First).ToHaveTextAsync("NRW connect extern");
            await Assertions.Expect(app.Locator("#codes li.code-entry .otp").First).ToHaveTextAsync(new Regex("^[0-9]{6}$"), SlowText);
            Assert.Contains(await app.Locator("#codes li.code-entry .otp").First.InnerTextAsync(), new[] { before, await app.EvaluateAsync<string>("() => Totp.code(Totp.base32Decode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'), Totp.options('SHA1', 6, 30), Date.now())") });
            await app.Locator("#codes li.code-entry", new() { HasText = "Zum Löschen" }).Locator("a.delete").ClickAsync();
            await Assertions.Expect(app.Locator("#delete-form")).ToContainTextAsync("Zum Löschen");
            await app.Locator("#delete-code").ClickAsync();
            await Assertions.Expect(app.Locator("#codes li.code-entry")).ToHaveCountAsync(1);
            await app.Locator("#vault-lock").ClickAsync();

            // "Nein" keeps everything.
            await app.Locator("#vault-reset").ClickAsync();
            await Assertions.Expect(app.Locator("#vault-reset-form")).ToContainTextAsync("Möchten Sie wirklich die Datenbank löschen?");
            await Axe.AssertNoSeriousViolationsAsync(app, "authenticator: reset password");
            await app.Locator("#vault-reset-no").ClickAsync();
            await app.Locator("#vault-password").FillAsync(VaultPassword);
            await app.Locator("#vault-open").ClickAsync();
            await Assertions.Expect(app.Locator("#codes li.code-entry .otp")).ToHaveTextAsync(new Regex("^[0-9]{6}$"), SlowText);

            // "Ja" wipes the secrets and keeps the names.
            await app.Locator("#vault-lock").ClickAsync();
            await app.Locator("#vault-reset").ClickAsync();
            await app.Locator("#vault-reset-yes").ClickAsync();
            await Assertions.Expect(app.Locator("#vault-wiped")).ToContainTextAsync("zurückgesetzt");
            await Assertions.Expect(app.Locator("#wiped-names")).ToContainTextAsync("NRW connect extern");
            var stored = await VaultStorage.StoredAsync(app);
            Assert.Equal(["NRW connect extern"], stored.Names);
            Assert.False(stored.Sealed.Single());
            session.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task Vault_Offline_ShellFromServiceWorker_UnlocksAndShowsCodes()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Vault_Offline_ShellFromServiceWorker_UnlocksAndShowsCodes));
        var app = session.Page;
        await session.RunAsync(async () =>
        {
            await app.GotoAsync(fixture.AuthenticatorUrl + "/#/codes");
            await Assertions.Expect(app.Locator("#vault-setup")).ToBeVisibleAsync(Slow);
            await SetPasswordAsync(app);
            await AddTypedAsync(app, "Offline", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "");
            await app.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null", null, new() { Timeout = 30_000 });

            await session.Context.SetOfflineAsync(true);
            try
            {
                await app.ReloadAsync();
                await Assertions.Expect(app.Locator("#vault-unlock")).ToBeVisibleAsync(Slow);
                await app.Locator("#vault-password").FillAsync(VaultPassword);
                await app.Locator("#vault-open").ClickAsync();
                await Assertions.Expect(app.Locator("#codes li.code-entry .otp")).ToHaveTextAsync(new Regex("^[0-9]{6}$"), SlowText);
                await session.StepAsync("offline-codes");
            }
            finally
            {
                await session.Context.SetOfflineAsync(false);
            }
        });
    }

    /// <summary>RFC 6238 appendix B: the app's own TOTP function, in the browser, at the RFC's times.</summary>
    [BrowserFact]
    public async Task Vault_TotpFunction_MatchesRfc6238TestVectors()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Vault_TotpFunction_MatchesRfc6238TestVectors));
        var app = session.Page;
        await app.GotoAsync(fixture.AuthenticatorUrl + "/#/accounts");
        await app.WaitForFunctionAsync("() => window.Totp !== undefined");
        string[] expected =
        [
            "59 SHA1 94287082", "59 SHA256 46119246", "59 SHA512 90693936",
            "1111111109 SHA1 07081804", "1111111109 SHA256 68084774", "1111111109 SHA512 25091201",
            "1111111111 SHA1 14050471", "1111111111 SHA256 67062674", "1111111111 SHA512 99943326",
            "1234567890 SHA1 89005924", "1234567890 SHA256 91819424", "1234567890 SHA512 93441116",
            "2000000000 SHA1 69279037", "2000000000 SHA256 90698825", "2000000000 SHA512 38618901",
            "20000000000 SHA1 65353130", "20000000000 SHA256 77737706", "20000000000 SHA512 47863826",
        ];
        var actual = await app.EvaluateAsync<string[]>("""
            async () => {
                const seeds = {
                    SHA1: '12345678901234567890',
                    SHA256: '12345678901234567890123456789012',
                    SHA512: '1234567890123456789012345678901234567890123456789012345678901234'
                };
                const out = [];
                for (const time of [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]) {
                    for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
                        const code = await Totp.code(new TextEncoder().encode(seeds[algorithm]), Totp.options(algorithm, 8, 30), time * 1000);
                        out.push(`${time} ${algorithm} ${code}`);
                    }
                }
                return out;
            }
            """);
        Assert.Equal(expected, actual);

        // And the link's parameters are honoured (digits, period, algorithm).
        var parsed = await app.EvaluateAsync<string>("""
            () => { const p = Totp.parseUri('otpauth://totp/ACME%3Aalice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA512&digits=8&period=60');
                    return `${p.name}|${p.algorithm}|${p.digits}|${p.period}`; }
            """);
        Assert.Equal("ACME (alice)|SHA512|8|60", parsed);
    }

    [BrowserFact]
    public async Task Vault_At320_393_768_NoOverflow_ControlsTappable()
    {
        await using var session = await fixture.NewSessionAsync(nameof(Vault_At320_393_768_NoOverflow_ControlsTappable));
        var app = session.Page;
        await session.RunAsync(async () =>
        {
            await app.SetViewportSizeAsync(320, 640);
            await app.GotoAsync(fixture.AuthenticatorUrl + "/#/codes");
            await Assertions.Expect(app.Locator("#vault-setup")).ToBeVisibleAsync(Slow);
            await PushJourneyTests.InGermanAsync(app);
            await session.StepAsync("setup-320");
            await PushJourneyTests.AssertNoHorizontalOverflowAsync(app, 320);
            foreach (var control in new[] { "#nav-accounts", "#nav-approve", "#nav-codes", "#language", "#vault-create" })
                await PushJourneyTests.AssertTappableAsync(app, control, 320);
            await SetPasswordAsync(app);
            await AddTypedAsync(app, "Ein Verfahren mit einem ziemlich langen Namen", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "https://www.nrw-connect-extern.nrw.de/ein/langer/pfad");

            foreach (var width in new[] { 320, 393, 768 })
            {
                await app.SetViewportSizeAsync(width, 640);
                await app.GotoAsync(fixture.AuthenticatorUrl + "/#/codes");
                await Assertions.Expect(app.Locator("#codes li.code-entry .otp")).ToHaveTextAsync(new Regex("^[0-9]{6}$"), SlowText);
                await session.StepAsync($"codes-{width}");
                await PushJourneyTests.AssertNoHorizontalOverflowAsync(app, width);
                foreach (var control in new[] { "#nav-codes", "#codes li.code-entry button.copy", "#codes li.code-entry a.edit", "#add-code", "#vault-lock" })
                    await PushJourneyTests.AssertTappableAsync(app, control, width);
                await Axe.AssertNoSeriousViolationsAsync(app, $"authenticator: codes at {width} px");

                await app.Locator("#add-code").ClickAsync();
                await Assertions.Expect(app.Locator("#code-form")).ToBeVisibleAsync();
                await session.StepAsync($"add-{width}");
                await PushJourneyTests.AssertNoHorizontalOverflowAsync(app, width);
                foreach (var control in new[] { "#use-link", "#save-code" })
                    await PushJourneyTests.AssertTappableAsync(app, control, width);
                await Axe.AssertNoSeriousViolationsAsync(app, $"authenticator: add a service at {width} px");
            }

            await app.SetViewportSizeAsync(320, 640);
            await app.GotoAsync(fixture.AuthenticatorUrl + "/#/codes");
            await app.Locator("#vault-lock").ClickAsync();
            await Assertions.Expect(app.Locator("#vault-unlock")).ToBeVisibleAsync();
            await PushJourneyTests.AssertNoHorizontalOverflowAsync(app, 320);
            foreach (var control in new[] { "#vault-open", "#vault-reset" })
                await PushJourneyTests.AssertTappableAsync(app, control, 320);
            await Axe.AssertNoSeriousViolationsAsync(app, "authenticator: unlock at 320 px");
            session.AssertNoErrors();
        });
    }

    /// <summary>Signs in twice (the first sign-in is free), chooses the authenticator app; returns the page's otpauth:// link.</summary>
    private async Task<string> OpenTotpEnrolmentAsync(BrowserSession session, string login)
    {
        var page = session.Page;
        await page.GotoAsync(fixture.Host.AuthorizeUrl());
        await SignInAsync(page, login);
        await page.WaitForPageAsync(fixture.Host.CallbackUrl + "?**");
        await session.Context.ClearCookiesAsync();
        await page.GotoAsync(fixture.Host.AuthorizeUrl());
        await SignInAsync(page, login);
        await page.WaitForPageAsync("**/enrol/welcome**");
        await page.Locator("#welcome-form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync("**/enrol?**");
        await page.Locator("#enrol-totp").ClickAsync();
        await page.WaitForPageAsync("**/enrol/totp**");
        await Assertions.Expect(page.Locator("#totp-companion")).ToBeVisibleAsync();
        await session.StepAsync("enrol-totp");
        var link = await page.Locator("#otpauth-link").GetAttributeAsync("href") ?? throw new InvalidOperationException("no otpauth link");
        Assert.StartsWith("otpauth://totp/", link, StringComparison.Ordinal);
        return link;
    }

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.Locator("#Input_Login").FillAsync(login);
        await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
    }

    private static async Task SetPasswordAsync(IPage app)
    {
        await app.Locator("#vault-password").FillAsync(VaultPassword);
        await app.Locator("#vault-repeat").FillAsync(VaultPassword);
        await app.Locator("#vault-create").ClickAsync();
        await Assertions.Expect(app.Locator("#add-code")).ToBeVisibleAsync(Slow);
    }

    private static async Task AddTypedAsync(IPage app, string name, string secret, string url)
    {
        await app.Locator("#add-code").ClickAsync();
        await app.Locator("#code-name").FillAsync(name);
        await app.Locator("#code-secret").FillAsync(secret);
        await app.Locator("#code-url").FillAsync(url);
        await app.Locator("#save-code").ClickAsync();
        await Assertions.Expect(app.Locator("#codes li.code-entry", new() { HasText = name })).ToBeVisibleAsync(Slow);
    }

    private static async Task WrongPasswordAsync(IPage app)
    {
        await Assertions.Expect(app.Locator("#vault-open")).ToBeEnabledAsync(SlowEnabled);
        await app.Locator("#vault-password").FillAsync("Falsch#2026x");
        await app.Locator("#vault-open").ClickAsync();
        // The attempt is done when the button is back (enabled, or disabled by a wait) and the field is empty.
        await Assertions.Expect(app.Locator("#vault-password")).ToHaveValueAsync("", new() { Timeout = 30_000 });
    }

    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveTextOptions SlowText = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToBeEnabledOptions SlowEnabled = new() { Timeout = 30_000 };
}
