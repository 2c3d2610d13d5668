using Authenticator.Cli;
using Idp.Data.Entities;
using Idp.Factors.Push;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.SignIn;

namespace Idp.IntegrationTests.Push;

/// <summary>
/// What the waiting page says when a new request must wait: what stopped the last one (a wrong number picked in the
/// app, or a denial) and the wait in minutes, not "too many requests" and a count of seconds.
/// </summary>
public sealed class PushWaitMessageTests : IAsyncLifetime
{
    private readonly IdpFactory _idp = new();
    private TestRelyingParty _rp = null!;

    public Task InitializeAsync()
    {
        _idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret));
        _rp = new TestRelyingParty(_idp, "portal");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private async Task<(IdpUser User, DeviceAccount Device)> UserWithDeviceAsync()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp);
        var device = await PushDevice.RegisterAsync(_idp, user);
        var test = Assert.Single(await PushDevice.Client(_idp).PendingAsync(device));
        await PushDevice.Client(_idp).DecideAsync(device, test, approve: true, test.NumberChoices[0]);
        return (user, device);
    }

    private async Task<(BrowserResponse Page, PendingRequest Request)> WaitingPageAsync(BrowserClient browser, IdpUser user, DeviceAccount device)
    {
        var page = await _rp.AuthorizeAsync(browser, user);
        Assert.Equal(PushFactor.ChallengePage, page.Url.AbsolutePath);
        var request = Assert.Single(await PushDevice.Client(_idp).PendingAsync(device), r => !r.IsTest);
        return (page, request);
    }

    [Fact]
    public async Task Push_WrongNumber_SaysWrongNumber_WaitInMinutes()
    {
        // One request per window: the wait after a single wrong number is the whole window (15 minutes).
        _idp.WithSetting("Idp:Push:MaxRequestsPerWindow", "1").Start();
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var (page, request) = await WaitingPageAsync(browser, user, device);
        var shown = int.Parse(page.Text("#push-number")!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Assert.ThrowsAsync<DeviceApiException>(() => PushDevice.Client(_idp).DecideAsync(device, request, approve: true, request.NumberChoices.First(n => n != shown)));
        var stopped = await browser.SubmitFormAsync(page, "#push-form");
        Assert.NotNull(stopped.Document.QuerySelector("#push-wrong-number"));

        var refused = await browser.SubmitFormAsync(stopped, "#push-new-form");

        Assert.Null(refused.Document.QuerySelector("#push-number"));
        var message = refused.ErrorSummary()!;
        Assert.Contains("wrong number", message);
        Assert.Contains("in 15 minutes", message);
        Assert.DoesNotContain("Too many", message);
        Assert.DoesNotContain("seconds", message);

        browser.DefaultHeaders["Accept-Language"] = "de";
        var german = await browser.SubmitFormAsync(refused, "#push-new-form");
        Assert.Contains("falsche Zahl", german.ErrorSummary());
        Assert.Contains("in 15 Minuten", german.ErrorSummary());
    }

    [Fact]
    public async Task Push_Denied_SaysDenied()
    {
        _idp.Start();
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var (page, request) = await WaitingPageAsync(browser, user, device);
        await PushDevice.Client(_idp).DecideAsync(device, request, approve: false, 0);
        var stopped = await browser.SubmitFormAsync(page, "#push-form");
        Assert.NotNull(stopped.Document.QuerySelector("#push-denied"));

        var refused = await browser.SubmitFormAsync(stopped, "#push-new-form");

        Assert.Null(refused.Document.QuerySelector("#push-number"));
        var message = refused.ErrorSummary()!;
        Assert.Contains("denied in the app", message);
        // The first denial's wait is 30 seconds.
        Assert.Contains("in less than a minute", message);
        Assert.DoesNotContain("Too many", message);
        Assert.DoesNotContain("seconds", message);

        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = await browser.SubmitFormAsync(refused, "#push-new-form");
        Assert.NotNull(next.Document.QuerySelector("#push-number"));
    }
}
