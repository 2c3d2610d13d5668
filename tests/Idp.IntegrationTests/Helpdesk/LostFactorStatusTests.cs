using Idp.Data.Entities;
using Idp.Helpdesk;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;

namespace Idp.IntegrationTests.Helpdesk;

/// <summary>
/// The lost-factor page ("I cannot use my second factor") after the password tells the user where their reset
/// request stands, and the status page keeps the portal the user came from.
/// </summary>
public sealed class LostFactorStatusTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private async Task<(IdpUser User, string Secret)> UserWithAuthenticatorAsync()
    {
        var user = await _idp.CreateUserAsync();
        return (user, await _idp.SeedTotpAsync(user));
    }

    /// <summary>Signs in with the password and follows "I cannot use my second factor" from the code page.</summary>
    private static async Task<BrowserResponse> LostFactorPageAsync(BrowserClient browser, IdpUser user)
    {
        await browser.SignInAsync(user.AccountNumber, TestUsers.Password);
        var codePage = await browser.FollowAsync();
        Assert.Equal("/signin/totp", codePage.Url.AbsolutePath);
        return await browser.GetAsync(codePage.Document.QuerySelector("#cannot-use-factor")!.GetAttribute("href")!);
    }

    [Fact]
    public async Task LostFactorPage_AfterPassword_ShowsRejectedRequestWithReason()
    {
        var (user, _) = await UserWithAuthenticatorAsync();
        var request = (await _idp.SubmitAsync(user)).Request!;
        var agent = await _idp.CreateStaffAsync("helpdesk");
        await _idp.HelpdeskAsync(h => h.RejectAsync(request.Id, agent.Id, "Please call us from the number we know", null));

        using var browser = _idp.CreateBrowser();
        var page = await LostFactorPageAsync(browser, user);

        Assert.Equal("/signin/reset", page.Url.AbsolutePath);
        Assert.Equal(request.Reference, page.Text("#previous-request #status-reference"));
        Assert.Equal("Rejected", page.Document.QuerySelector("#status-state")!.GetAttribute("data-state"));
        Assert.Equal("Please call us from the number we know", page.Text("#status-reason"));
        Assert.NotNull(page.Text("#status-decided"));
        Assert.Null(page.Text("#status-due"));
        // A new request can still be sent from the same page.
        Assert.NotNull(page.Document.QuerySelector("#reset-form"));
    }

    [Fact]
    public async Task LostFactorPage_ShowsOpenRequestWithDueTime()
    {
        var (user, _) = await UserWithAuthenticatorAsync();
        var request = (await _idp.SubmitAsync(user)).Request!;
        var calendar = await _idp.WithScopeAsync(s => Task.FromResult(s.GetRequiredService<SlaCalendar>()));

        using var browser = _idp.CreateBrowser();
        var page = await LostFactorPageAsync(browser, user);

        Assert.Equal(request.Reference, page.Text("#status-reference"));
        Assert.Equal("Open", page.Document.QuerySelector("#status-state")!.GetAttribute("data-state"));
        var due = TimeZoneInfo.ConvertTime(request.DueAt, calendar.TimeZone).ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith(due, page.Text("#status-due"));
        Assert.Null(page.Document.QuerySelector("#reset-form"));
        // The way back leads to the code page of the same sign-in, not to the password.
        var back = await browser.GetAsync(page.Document.QuerySelector("#status-sign-in-link")!.GetAttribute("href")!);
        Assert.Equal("/signin/totp", back.Url.AbsolutePath);
    }

    [Fact]
    public async Task StatusLink_KeepsThePortalRequest()
    {
        var (user, secret) = await UserWithAuthenticatorAsync();
        using var browser = _idp.CreateBrowser();
        var signIn = await browser.GetAsync(_rp.AuthorizeUrl());
        var requestId = signIn.Url.QueryParameters()["request_id"];
        var codePage = await TestRelyingParty.SignInAsync(browser, signIn, user);
        Assert.Equal("/signin/totp", codePage.Url.AbsolutePath);

        await browser.GetAsync(codePage.Document.QuerySelector("#cannot-use-factor")!.GetAttribute("href")!);
        var status = await browser.SubmitFormAsync("#reset-form", new() { ["Input.Reason"] = "Lost", ["Input.Contact"] = "+49 89 1234567" });
        Assert.Equal("/signin/reset/status", status.Url.AbsolutePath);
        Assert.Equal(requestId, status.Url.QueryParameters()["request_id"]);

        // The phone turns up again: back from the status page, the code finishes the sign-in for the portal.
        var link = status.Document.QuerySelector("#status-sign-in-link")!.GetAttribute("href")!;
        Assert.Contains("request_id=" + Uri.EscapeDataString(requestId), link);
        var back = await browser.GetAsync(link);
        Assert.Equal("/signin/totp", back.Url.AbsolutePath);
        var done = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) });
        Assert.NotNull(_rp.CodeFrom(done));

        // Without the password (another browser), the status page's sign-in link still names the portal's request.
        using var stranger = _idp.CreateBrowser();
        var anonymous = await stranger.GetAsync($"/signin/reset/status?request_id={Uri.EscapeDataString(requestId)}");
        Assert.Equal($"/signin?request_id={Uri.EscapeDataString(requestId)}", anonymous.Document.QuerySelector("#status-sign-in-link")!.GetAttribute("href"));
    }
}
