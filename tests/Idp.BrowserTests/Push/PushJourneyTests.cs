using System.Text.RegularExpressions;
using Idp.BrowserTests.Infrastructure;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idp.BrowserTests.Push;

/// <summary>
/// Journey 5 in two browser contexts: the phone (the companion PWA, samples/Authenticator) registers the account with
/// the SMS code from the outbox and gets a test approval; then the computer signs in to samples/Portal, Idp shows a
/// number and waits; the phone picks that number and approves (the computer reaches the portal without a click), or
/// denies (the computer's sign-in stops).
/// </summary>
public sealed partial class PushJourneyTests(PushJourneyFixture fixture) : IClassFixture<PushJourneyFixture>
{
    [BrowserFact]
    public async Task Push_PwaRegistersAndApprovesWithTheNumber_SignInReachesPortalWithoutAClick()
    {
        var user = await fixture.Host.CreateUserAsync(u => u.PhoneNumber = "+49 151 " + Random.Shared.Next(1000000, 9999999));
        await using var phone = await fixture.NewSessionAsync(nameof(Push_PwaRegistersAndApprovesWithTheNumber_SignInReachesPortalWithoutAClick) + "-phone");
        await using var computer = await fixture.NewSessionAsync(nameof(Push_PwaRegistersAndApprovesWithTheNumber_SignInReachesPortalWithoutAClick) + "-computer");

        await phone.RunAsync(() => computer.RunAsync(async () =>
        {
            await RegisterOnPhoneAsync(phone, user);

            var number = await SignInUntilNumberAsync(computer, user);
            var card = await RequestCardAsync(phone, "Demo Portal");
            await Assertions.Expect(card.Locator(".ip")).Not.ToHaveTextAsync("–");
            await Assertions.Expect(card.Locator(".browser")).Not.ToHaveTextAsync("–");
            // In German, in the manuals' words (the button in the header switches).
            await InLanguageAsync(phone.Page, "de");
            await Assertions.Expect(phone.Page.Locator("main h1")).ToHaveTextAsync("Freigabe");
            await Assertions.Expect(card.Locator("button.approve")).ToHaveTextAsync("BESTÄTIGEN");
            await Assertions.Expect(card.Locator("button.deny")).ToHaveTextAsync("ABLEHNEN");
            await Axe.AssertNoSeriousViolationsAsync(phone.Page, "authenticator: Freigabe (German)");
            await card.Locator("label", new() { HasTextRegex = new Regex($"^{number}$") }).ClickAsync();
            await phone.StepAsync("number-picked");
            await card.Locator("button.approve").ClickAsync();
            await Assertions.Expect(card.Locator("#decision-done")).ToBeVisibleAsync(Slow);
            await phone.StepAsync("approved");

            // No click on the computer: the waiting page hears of the decision and goes on to the portal.
            await computer.Page.WaitForPageAsync("**/claims**");
            await computer.StepAsync("portal");
            await Assertions.Expect(computer.Page.Locator("h1")).ToHaveTextAsync("Your claims");
            await Assertions.Expect(computer.Page.Locator("main")).ToContainTextAsync(user.AccountNumber!);
            computer.AssertNoErrors();
            phone.AssertNoErrors();
        }));
    }

    [BrowserFact]
    public async Task Push_PwaDenies_SignInStopsOnTheWaitingPage()
    {
        var user = await fixture.Host.CreateUserAsync(u => u.PhoneNumber = "+49 151 " + Random.Shared.Next(1000000, 9999999));
        await using var phone = await fixture.NewSessionAsync(nameof(Push_PwaDenies_SignInStopsOnTheWaitingPage) + "-phone");
        await using var computer = await fixture.NewSessionAsync(nameof(Push_PwaDenies_SignInStopsOnTheWaitingPage) + "-computer");

        await phone.RunAsync(() => computer.RunAsync(async () =>
        {
            await RegisterOnPhoneAsync(phone, user);

            await SignInUntilNumberAsync(computer, user);
            var card = await RequestCardAsync(phone, "Demo Portal");
            await card.Locator("button.deny").ClickAsync();
            await Assertions.Expect(card.Locator("#decision-done")).ToBeVisibleAsync(Slow);
            await phone.StepAsync("denied");

            await Assertions.Expect(computer.Page.Locator("#push-denied")).ToBeVisibleAsync(Slow);
            await computer.StepAsync("denied");
            Assert.StartsWith(fixture.Host.BaseUrl + "/signin/push", computer.Page.Url);
            Assert.False(computer.Page.Url.StartsWith(fixture.PortalUrl, StringComparison.Ordinal));
            // The portal still has no session: its claims page sends the browser to Idp's sign-in.
            await computer.Page.GotoAsync(fixture.PortalUrl + "/claims");
            await computer.Page.WaitForPageAsync("**/signin**");
        }));
    }

    /// <summary>Adds the account in the PWA (account number, password, SMS code), then approves the test approval.</summary>
    private async Task RegisterOnPhoneAsync(BrowserSession phone, IdpUser user)
    {
        var page = phone.Page;
        await page.GotoAsync(fixture.AuthenticatorUrl + "/#/accounts");
        await Assertions.Expect(page.Locator("#no-accounts")).ToBeVisibleAsync(Slow);
        await phone.StepAsync("accounts-empty");
        await Axe.AssertNoSeriousViolationsAsync(page, "authenticator: accounts");
        await page.Locator("#add-account").ClickAsync();
        await page.Locator("#login").FillAsync(user.AccountNumber!);
        await page.Locator("#password").FillAsync(IdpHost.Password);
        await phone.StepAsync("add-account");
        await Axe.AssertNoSeriousViolationsAsync(page, "authenticator: add account");
        await page.Locator("#register-key").ClickAsync();

        await Assertions.Expect(page.Locator("#confirm-form")).ToBeVisibleAsync(Slow);
        await phone.StepAsync("confirm");
        await Axe.AssertNoSeriousViolationsAsync(page, "authenticator: confirm code");
        await page.Locator("#code").FillAsync(await SmsCodeAsync(user.PhoneNumber!));
        await page.Locator("#finish-registration").ClickAsync();

        // Right after the registration a test approval arrives: one number, approved here.
        await Assertions.Expect(page.Locator("#flash")).ToBeVisibleAsync(Slow);
        var test = page.Locator("form.request", new() { Has = page.Locator(".test") });
        await Assertions.Expect(test).ToBeVisibleAsync(Slow);
        await phone.StepAsync("test-approval");
        await Axe.AssertNoSeriousViolationsAsync(page, "authenticator: approvals");
        await Assertions.Expect(test.Locator("input.number-choice")).ToHaveCountAsync(1);
        await test.Locator("label").ClickAsync();
        await test.Locator("button.approve").ClickAsync();
        await Assertions.Expect(test.Locator("#decision-done")).ToBeVisibleAsync(Slow);

        // The key is a non-extractable WebCrypto key in IndexedDB.
        var extractable = await page.EvaluateAsync<bool>("""
            () => new Promise((resolve, reject) => {
                const open = indexedDB.open('idp-authenticator');
                open.onsuccess = () => {
                    const get = open.result.transaction('accounts').objectStore('accounts').getAll();
                    get.onsuccess = () => resolve(get.result[0].privateKey.extractable);
                    get.onerror = () => reject(get.error);
                };
                open.onerror = () => reject(open.error);
            })
            """);
        Assert.False(extractable);
    }

    /// <summary>Signs in to the portal with the password; Idp's waiting page shows the number to pick.</summary>
    private async Task<string> SignInUntilNumberAsync(BrowserSession computer, IdpUser user)
    {
        var page = computer.Page;
        await page.GotoAsync(fixture.PortalUrl + "/signin");
        await page.WaitForPageAsync(fixture.Host.BaseUrl + "/signin?**");
        await page.Locator("#Input_Login").FillAsync(user.AccountNumber!);
        await page.Locator("#Input_Password").FillAsync(IdpHost.Password);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
        await page.WaitForPageAsync("**/signin/push**");
        await Assertions.Expect(page.Locator("#push-number")).ToBeVisibleAsync(Slow);
        await computer.StepAsync("waiting");
        var number = (await page.Locator("#push-number").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9]{1,3}$", number);
        return number;
    }

    private async Task<ILocator> RequestCardAsync(BrowserSession phone, string portalName)
    {
        var page = phone.Page;
        await page.GotoAsync(fixture.AuthenticatorUrl + "/#/approve");
        var waiting = page.Locator("form.request:not([data-done])", new() { HasText = portalName });
        await Assertions.Expect(waiting).ToBeVisibleAsync(Slow);
        await phone.StepAsync("request");
        // Found by its request id from here on: once decided, the card is marked done.
        var requestId = await waiting.GetAttributeAsync("data-request-id");
        return page.Locator($"form.request[data-request-id='{requestId}']");
    }

    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private async Task<string> SmsCodeAsync(string phoneNumber)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using var scope = fixture.Host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
            var sms = await db.Outbox.AsNoTracking()
                .Where(m => m.Recipient == phoneNumber && m.Channel == OutboxChannel.Sms)
                .OrderByDescending(m => m.Id)
                .FirstOrDefaultAsync();
            if (sms is not null && EightDigits().Match(sms.Body) is { Success: true } match)
                return match.Value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No SMS with a code for {phoneNumber} in the outbox.");
    }

    [GeneratedRegex(@"\b\d{8}\b")]
    private static partial Regex EightDigits();
}
