using Idp.BrowserTests.Infrastructure;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Idp.BrowserTests.Push;

/// <summary>
/// The companion PWA on a phone: the layout from 320 px up (no horizontal scroll, the header's controls and the
/// form's button fully visible and tappable), and the "Freigabe" list (the live request on top; decided and expired
/// requests leave it, so no stale card keeps its buttons).
/// </summary>
public sealed partial class PushJourneyTests
{
    [BrowserFact]
    public async Task Pwa_At320_393_768_NoOverflow_ControlsTappable()
    {
        await using var phone = await fixture.NewSessionAsync(nameof(Pwa_At320_393_768_NoOverflow_ControlsTappable));
        var page = phone.Page;
        await phone.RunAsync(async () =>
        {
            foreach (var width in new[] { 320, 393, 768 })
            {
                await page.SetViewportSizeAsync(width, 640);

                await page.GotoAsync(fixture.AuthenticatorUrl + "/#/accounts");
                await Assertions.Expect(page.Locator("#add-account")).ToBeVisibleAsync(Slow);
                await InGermanAsync(page);
                await phone.StepAsync($"accounts-{width}");
                await AssertNoHorizontalOverflowAsync(page, width);
                foreach (var control in new[] { "#language", "#nav-accounts", "#nav-approve", "#add-account" })
                    await AssertTappableAsync(page, control, width);
                await Axe.AssertNoSeriousViolationsAsync(page, $"authenticator: accounts at {width} px");

                await page.Locator("#add-account").ClickAsync();
                await Assertions.Expect(page.Locator("#register-key")).ToHaveTextAsync("Schlüssel registrieren");
                await phone.StepAsync($"add-{width}");
                await AssertNoHorizontalOverflowAsync(page, width);
                await AssertTappableAsync(page, "#register-key", width);
                await AssertTappableAsync(page, "#language", width);
                await Axe.AssertNoSeriousViolationsAsync(page, $"authenticator: add account at {width} px");

                // Tapped for real (no force): the empty form answers with its message, the header button switches.
                await page.Locator("#register-key").ClickAsync();
                await Assertions.Expect(page.Locator("#add-status .error")).ToBeVisibleAsync();
                await InLanguageAsync(page, "en");
                await Assertions.Expect(page.Locator("#register-key")).ToHaveTextAsync("Register key");
                await AssertNoHorizontalOverflowAsync(page, width);
            }
            phone.AssertNoErrors();
        });
    }

    [BrowserFact]
    public async Task Pwa_DecidedAndExpiredRequests_LeaveTheList_LiveOnTop()
    {
        var user = await fixture.Host.CreateUserAsync(u => u.PhoneNumber = "+49 151 " + Random.Shared.Next(1000000, 9999999));
        await using var phone = await fixture.NewSessionAsync(nameof(Pwa_DecidedAndExpiredRequests_LeaveTheList_LiveOnTop));
        var page = phone.Page;
        await phone.RunAsync(async () =>
        {
            await page.SetViewportSizeAsync(393, 800);
            await RegisterOnPhoneAsync(phone, user);

            // The test approval, decided here, shows its outcome and then leaves the list.
            await Assertions.Expect(page.Locator("form.request", new() { Has = page.Locator(".test") })).ToHaveCountAsync(0, Gone);
            try
            {
                // Idp's clock an hour behind: Idp would still call the first request pending after its expiry time,
                // so only the app's own use of that time takes it off the list.
                fixture.Host.Clock.Offset = TimeSpan.FromHours(-1);
                var now = DateTimeOffset.UtcNow;
                var expiring = await AddRequestAsync(user.Id, "Expiring Portal", now.AddSeconds(-20), now.AddSeconds(20));
                var elsewhere = await AddRequestAsync(user.Id, "Elsewhere Portal", now.AddSeconds(-10), now.AddMinutes(2));
                var live = await AddRequestAsync(user.Id, "Live Portal", now, now.AddMinutes(2));

                var cards = page.Locator("#requests form.request");
                await Assertions.Expect(cards).ToHaveCountAsync(3, Gone);
                await phone.StepAsync("three-requests");
                Assert.Equal(live.Id, await cards.First.GetAttributeAsync("data-request-id"));
                await Assertions.Expect(cards.First).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blive\b"));
                await Assertions.Expect(page.Locator("#requests form.request.live")).ToHaveCountAsync(1);
                await AssertNoHorizontalOverflowAsync(page, 393);
                await Axe.AssertNoSeriousViolationsAsync(page, "authenticator: Freigabe with three requests");

                // Decided elsewhere (another device of the account): the stream says so and the card goes.
                await DecideAsync(elsewhere.Id);
                await Assertions.Expect(Card(page, elsewhere.Id)).ToHaveCountAsync(0, Gone);

                // Expired: gone at its expiry time, with its buttons.
                await Assertions.Expect(Card(page, expiring.Id).Locator("button.approve")).ToBeVisibleAsync();
                var untilGone = (float)(expiring.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(4)).TotalMilliseconds;
                await Assertions.Expect(Card(page, expiring.Id)).ToHaveCountAsync(0, new() { Timeout = Math.Max(untilGone, 1000) });
                await Assertions.Expect(page.Locator("#requests button")).ToHaveCountAsync(2);
                await Assertions.Expect(cards).ToHaveCountAsync(1);
                await Assertions.Expect(cards.First).ToHaveAttributeAsync("data-request-id", live.Id);
                await phone.StepAsync("live-only");
            }
            finally
            {
                fixture.Host.Clock.Offset = TimeSpan.Zero;
            }
        });
    }

    private static ILocator Card(IPage page, string requestId) => page.Locator($"#requests form.request[data-request-id='{requestId}']");

    private async Task<PushRequest> AddRequestAsync(string userId, string portalName, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var request = new PushRequest
        {
            Id = Guid.NewGuid().ToString("N"),
            SubjectId = userId,
            Challenge = Guid.NewGuid().ToString("N"),
            Number = 42,
            NumberChoices = "17 42 86",
            PortalName = portalName,
            IpAddress = "192.0.2.10",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
            CreatedAt = createdAt,
            ExpiresAt = expiresAt,
        };
        db.PushRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    private async Task DecideAsync(string requestId)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        var request = await db.PushRequests.FindAsync(requestId) ?? throw new InvalidOperationException(requestId);
        request.State = PushRequestState.Denied;
        request.DecidedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
    }

    internal static Task InGermanAsync(IPage page) => InLanguageAsync(page, "de");

    /// <summary>Taps the header's language button (it goes round German, English, Dutch) until the page is in <paramref name="language"/>.</summary>
    internal static async Task InLanguageAsync(IPage page, string language)
    {
        for (var taps = 0; taps < 3 && await page.EvaluateAsync<string>("() => document.documentElement.lang") != language; taps++)
        {
            var before = await page.EvaluateAsync<string>("() => document.documentElement.lang");
            await page.Locator("#language").ClickAsync();
            await Assertions.Expect(page.Locator("html")).Not.ToHaveAttributeAsync("lang", before);
        }
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
    }

    internal static async Task AssertNoHorizontalOverflowAsync(IPage page, int width)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scrollWidth, innerWidth) = (widths[0], widths[1]);
        Assert.True(scrollWidth <= innerWidth, $"At {width} px the page is {scrollWidth} px wide (viewport {innerWidth} px): it scrolls sideways.");
    }

    /// <summary>Fully inside the viewport, at least 44 px high and wide, and the element hit at its centre (not covered).</summary>
    internal static async Task AssertTappableAsync(IPage page, string selector, int width)
    {
        var control = page.Locator(selector);
        // Into the middle of the viewport: a sticky header at the top or a banner at the bottom must not count.
        await control.EvaluateAsync("control => control.scrollIntoView({ block: 'center', inline: 'nearest' })");
        var box = await control.BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} has no box at {width} px.");
        var viewport = page.ViewportSize!;
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= viewport.Width && box.Y + box.Height <= viewport.Height,
            $"At {width} px {selector} is not fully visible: {box.X},{box.Y} {box.Width}×{box.Height} in {viewport.Width}×{viewport.Height}.");
        Assert.True(box.Height >= 44 && box.Width >= 44, $"At {width} px {selector} is {box.Width}×{box.Height} px, smaller than a 44 px tap target.");
        var hit = await page.EvaluateAsync<bool>("""
            (selector) => {
              const control = document.querySelector(selector);
              const r = control.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return hit !== null && (hit === control || control.contains(hit));
            }
            """, selector);
        Assert.True(hit, $"At {width} px something covers the centre of {selector}.");
    }

    private static readonly LocatorAssertionsToHaveCountOptions Gone = new() { Timeout = 30_000 };
}
