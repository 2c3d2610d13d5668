using System.Net;
using Authenticator.Cli;
using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors.Push;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Push;

/// <summary>
/// Approval at sign-in (journey 5): the browser waits with a number, the device approves or denies through the API
/// with a signed decision; forged signatures, wrong numbers, expired requests, other accounts, and push bombing.
/// </summary>
public sealed class PushApprovalTests : IAsyncLifetime
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

    /// <summary>A user with a registered device, the test approval already answered.</summary>
    private async Task<(IdpUser User, DeviceAccount Device)> UserWithDeviceAsync()
    {
        var user = await PushDevice.CreateUserWithPhoneAsync(_idp);
        var device = await PushDevice.RegisterAsync(_idp, user);
        var client = PushDevice.Client(_idp);
        var test = Assert.Single(await client.PendingAsync(device));
        await client.DecideAsync(device, test, approve: true, test.NumberChoices[0]);
        return (user, device);
    }

    /// <summary>Password at the portal's sign-in: the browser lands on the waiting page.</summary>
    private async Task<BrowserResponse> WaitingPageAsync(BrowserClient browser, IdpUser user)
    {
        var page = await _rp.AuthorizeAsync(browser, user);
        Assert.Equal(PushFactor.ChallengePage, page.Url.AbsolutePath);
        Assert.NotNull(page.Document.QuerySelector("#push-form"));
        return page;
    }

    private static int NumberOn(BrowserResponse page) => int.Parse(page.Text("#push-number")!.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<PendingRequest> PendingSignInAsync(DeviceAccount device) =>
        Assert.Single((await PushDevice.Client(_idp).PendingAsync(device)).Where(r => !r.IsTest));

    private Task<PushRequest> StoredAsync(string requestId) =>
        _idp.WithDbAsync(db => db.PushRequests.AsNoTracking().SingleAsync(r => r.Id == requestId));

    [Fact]
    public async Task Approve_WithTheNumberShown_BrowserContinuesToThePortal_WithHwkAndMfa()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        browser.DefaultHeaders["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";
        var page = await WaitingPageAsync(browser, user);
        var number = NumberOn(page);

        var request = await PendingSignInAsync(device);
        Assert.Equal("Test portal portal", request.PortalName);
        Assert.Equal("Firefox (Linux)", request.Browser);
        Assert.Equal(3, request.NumberChoices.Count);
        Assert.Contains(number, request.NumberChoices);
        Assert.Equal(_idp.Clock.GetUtcNow().AddMinutes(2), request.ExpiresAt);

        // The page's event stream reports the decision (the script then submits the form).
        var eventsUrl = page.Document.QuerySelector("#push-form")!.GetAttribute("data-push-events")!;
        var events = browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, eventsUrl));
        await PushDevice.Client(_idp).DecideAsync(device, request, approve: true, number);
        var stream = await events;
        Assert.Equal("text/event-stream", stream.ContentType);
        Assert.Contains("event: decided\ndata: {\"state\":\"approved\"}", stream.Body);

        var redirect = await browser.SubmitFormAsync(page, "#push-form");
        var idToken = await _rp.IdTokenAsync(redirect);
        Assert.Equal(["pwd", "hwk", "mfa"], idToken.Amr());
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, idToken.GetClaim("acr").Value);
        Assert.Equal(PushRequestState.Completed, (await StoredAsync(request.RequestId)).State);
        var audit = await _idp.WithDbAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Type).ToListAsync());
        Assert.Contains(PushAuditEvents.Requested, audit);
        Assert.Contains(PushAuditEvents.Approved, audit);
    }

    [Fact]
    public async Task Approval_IsUsedOnce_AndOnlyByTheBrowserThatWaits()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        var request = await PendingSignInAsync(device);
        await PushDevice.Client(_idp).DecideAsync(device, request, approve: true, NumberOn(page));

        // Another browser of someone who knows the password cannot use it: it gets no request of its own while one waits.
        using var attacker = _idp.CreateBrowser();
        var other = await _rp.AuthorizeAsync(attacker, user);
        var refused = await attacker.PostFormAsync(PushFactor.ChallengePage, [new("push", request.RequestId), new("__RequestVerificationToken", other.Document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value") ?? "")]);
        Assert.False(refused.IsExternalRedirect);

        Assert.True((await browser.SubmitFormAsync(page, "#push-form")).IsExternalRedirect);
        var again = await browser.SubmitFormAsync(page, "#push-form");
        Assert.False(again.IsExternalRedirect);
    }

    [Fact]
    public async Task ForgedSignature_IsRefused_AndTheRequestStaysPending()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        var number = NumberOn(page);
        var request = await PendingSignInAsync(device);
        var client = PushDevice.Client(_idp);

        using var otherKey = DeviceClient.NewKey();
        var forged = DeviceClient.Sign(otherKey, request.RequestId, request.Challenge, "approve", number);
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.SendDecisionAsync(device, request.RequestId, "approve", number, forged));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_signature"), (error.Status, error.Code));
        // Signed over another number than the one sent.
        var swapped = DeviceClient.Sign(device.Key, request.RequestId, request.Challenge, "approve", number == 99 ? 98 : number + 1);
        error = await Assert.ThrowsAsync<DeviceApiException>(() => client.SendDecisionAsync(device, request.RequestId, "approve", number, swapped));
        Assert.Equal("invalid_signature", error.Code);
        Assert.Equal(PushRequestState.Pending, (await StoredAsync(request.RequestId)).State);
        Assert.True(await _idp.WithDbAsync(db => db.AuditEvents.AnyAsync(a => a.SubjectId == user.Id && a.Type == PushAuditEvents.Failed)));

        await client.DecideAsync(device, request, approve: true, number);
        Assert.True((await browser.SubmitFormAsync(page, "#push-form")).IsExternalRedirect);
    }

    [Fact]
    public async Task WrongNumber_EndsTheRequest_AndStopsTheSignIn()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        var number = NumberOn(page);
        var request = await PendingSignInAsync(device);
        var client = PushDevice.Client(_idp);
        var wrong = request.NumberChoices.First(n => n != number);

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.DecideAsync(device, request, approve: true, wrong));
        Assert.Equal((HttpStatusCode.BadRequest, "wrong_number"), (error.Status, error.Code));
        var late = await Assert.ThrowsAsync<DeviceApiException>(() => client.DecideAsync(device, request, approve: true, number));
        Assert.Equal((HttpStatusCode.Gone, "expired"), (late.Status, late.Code));

        var result = await browser.SubmitFormAsync(page, "#push-form");
        Assert.False(result.IsExternalRedirect);
        Assert.NotNull(result.Document.QuerySelector("#push-wrong-number"));
        Assert.True(await _idp.WithDbAsync(db => db.AuditEvents.AnyAsync(a => a.SubjectId == user.Id && a.Type == PushAuditEvents.WrongNumber)));
    }

    [Fact]
    public async Task ExpiredRequest_CannotBeApproved()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        var request = await PendingSignInAsync(device);

        _idp.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await PushDevice.Client(_idp).PendingAsync(device));
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => PushDevice.Client(_idp).DecideAsync(device, request, approve: true, NumberOn(page)));
        Assert.Equal((HttpStatusCode.Gone, "expired"), (error.Status, error.Code));
        var result = await browser.SubmitFormAsync(page, "#push-form");
        Assert.NotNull(result.Document.QuerySelector("#push-expired"));
    }

    [Fact]
    public async Task RequestOfAnotherAccount_IsNotFound_ForThisDevice()
    {
        var (user, device) = await UserWithDeviceAsync();
        var (_, otherDevice) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        var request = await PendingSignInAsync(device);
        var client = PushDevice.Client(_idp);

        Assert.Empty(await client.PendingAsync(otherDevice));
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.DecideAsync(otherDevice, request, approve: true, NumberOn(page)));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        // Another credential's token for this credential's calls: 404 as well.
        var mixed = new DeviceAccount { Issuer = device.Issuer, CredentialId = device.CredentialId, AccessToken = otherDevice.AccessToken, AccountNumber = device.AccountNumber, Key = device.Key };
        error = await Assert.ThrowsAsync<DeviceApiException>(() => client.PendingAsync(mixed));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal(PushRequestState.Pending, (await StoredAsync(request.RequestId)).State);
    }

    [Fact]
    public async Task Denial_StopsTheSignIn_NotMeIsRecordedAndMailed_AndTheNextRequestWaits()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        var request = await PendingSignInAsync(device);
        var client = PushDevice.Client(_idp);

        await client.DecideAsync(device, request, approve: false, 0);
        var denied = await browser.SubmitFormAsync(page, "#push-form");
        Assert.False(denied.IsExternalRedirect);
        Assert.True(denied.Document.QuerySelector("#push-denied") is not null, denied.StatusCode + denied.Body);

        await client.ReportAsync(device, request.RequestId);
        var mail = await _idp.LatestOutboxMessageAsync(user.Email!, OutboxChannel.Email);
        Assert.NotNull(mail);
        Assert.Contains("not you", mail.Body);
        Assert.Contains("/forgot-password", mail.Body);
        var audit = await _idp.WithDbAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Type).ToListAsync());
        Assert.Contains(PushAuditEvents.Denied, audit);
        Assert.Contains(PushAuditEvents.Reported, audit);

        // A growing wait after denials: 30 s after the first.
        var again = await browser.SubmitFormAsync(denied, "#push-new-form");
        Assert.Null(again.Document.QuerySelector("#push-number"));
        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        var second = await browser.SubmitFormAsync(again, "#push-new-form");
        Assert.NotNull(second.Document.QuerySelector("#push-number"));
        await client.DecideAsync(device, await PendingSignInAsync(device), approve: false, 0);
        var secondDenied = await browser.SubmitFormAsync(second, "#push-form");
        Assert.NotNull(secondDenied.Document.QuerySelector("#push-denied"));
        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        var third = await browser.SubmitFormAsync(secondDenied, "#push-new-form");
        Assert.Null(third.Document.QuerySelector("#push-number"));
        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        var fourth = await browser.SubmitFormAsync(third, "#push-new-form");
        Assert.NotNull(fourth.Document.QuerySelector("#push-number"));
    }

    [Fact]
    public async Task Bombing_OnePendingPerUser_AndALimitPerWindow()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var browser = _idp.CreateBrowser();
        await WaitingPageAsync(browser, user);

        // A second browser while one request is pending: refused, nothing reaches the device.
        using var second = _idp.CreateBrowser();
        var refused = await _rp.AuthorizeAsync(second, user);
        Assert.Equal(PushFactor.ChallengePage, refused.Url.AbsolutePath);
        Assert.Null(refused.Document.QuerySelector("#push-number"));
        Assert.Single((await PushDevice.Client(_idp).PendingAsync(device)).Where(r => !r.IsTest));

        // Reloading the waiting page reuses the request.
        var reloaded = await browser.GetAsync(PushFactor.ChallengePage);
        Assert.Single((await PushDevice.Client(_idp).PendingAsync(device)).Where(r => !r.IsTest));

        // Five requests in 15 minutes (each left to expire), then no more until the window moves on.
        var page = reloaded;
        for (var i = 1; i < 5; i++)
        {
            _idp.Clock.Advance(TimeSpan.FromMinutes(2));
            page = await browser.SubmitFormAsync(page, "#push-form");
            page = await browser.SubmitFormAsync(page, "#push-new-form");
            Assert.NotNull(page.Document.QuerySelector("#push-number"));
        }
        _idp.Clock.Advance(TimeSpan.FromMinutes(2));
        page = await browser.SubmitFormAsync(page, "#push-form");
        var limited = await browser.SubmitFormAsync(page, "#push-new-form");
        Assert.Null(limited.Document.QuerySelector("#push-number"));
        Assert.Contains(PushAuditEvents.Throttled, await _idp.WithDbAsync(db => db.AuditEvents.Where(a => a.SubjectId == user.Id).Select(a => a.Type).ToListAsync()));
        Assert.Equal(5, await _idp.WithDbAsync(db => db.PushRequests.CountAsync(r => r.SubjectId == user.Id && !r.IsTest)));
    }

    [Fact]
    public async Task DeviceEventStream_AnnouncesNewRequests()
    {
        var (user, device) = await UserWithDeviceAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = PushDevice.Client(_idp).EventsAsync(device, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var next = events.MoveNextAsync().AsTask();

        using var browser = _idp.CreateBrowser();
        var page = await WaitingPageAsync(browser, user);
        Assert.True(await next);
        Assert.Equal("request", events.Current.Name);
        Assert.Equal("Test portal portal", events.Current.Request!.PortalName);
        Assert.Contains(NumberOn(page), events.Current.Request.NumberChoices);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task RemovedDevice_CannotDecide_AndTheUserFallsBackToOtherFactors()
    {
        var (user, device) = await UserWithDeviceAsync();
        var secret = await _idp.SeedTotpAsync(user);

        // With both factors, the sign-in offers push (waiting for it, or as the other choice).
        using (var before = _idp.CreateBrowser())
        {
            var page = await _rp.AuthorizeAsync(before, user);
            Assert.True(page.Url.AbsolutePath == PushFactor.ChallengePage || LinksTo(page, PushFactor.ChallengePage),
                $"push is not offered at {page.Url.AbsolutePath}");
            if (page.Url.AbsolutePath != PushFactor.ChallengePage)
                page = await before.GetAsync(LinkTo(page, PushFactor.ChallengePage)!);
            Assert.NotNull(page.Document.QuerySelector("#push-form"));
        }

        // A request made while the device was still there cannot be decided once it is removed.
        var pending = await PendingSignInAsync(device);
        var client = PushDevice.Client(_idp);
        await client.RemoveAsync(device);
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.PendingAsync(device));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        var decision = await Assert.ThrowsAsync<DeviceApiException>(() => client.DecideAsync(device, pending, approve: true, pending.NumberChoices[0]));
        Assert.Equal(HttpStatusCode.NotFound, decision.Status);
        Assert.False(await _idp.WithDbAsync(db => db.PushCredentials.AnyAsync(c => c.SubjectId == user.Id)));

        // The next sign-in asks for the authenticator app's code, offers push no more, and completes with it.
        _idp.Clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = _idp.CreateBrowser();
        var totp = await _rp.AuthorizeAsync(browser, user);
        Assert.Equal(Idp.Factors.Totp.TotpAuthenticators.ChallengePage, totp.Url.AbsolutePath);
        Assert.False(LinksTo(totp, PushFactor.ChallengePage));
        var signedIn = await browser.SubmitFormAsync("#totp-form", new() { ["Input.Code"] = SecondFactorSteps.CodeFor(secret, _idp) });
        var idToken = await _rp.IdTokenAsync(signedIn);
        Assert.Equal(["pwd", "otp", "mfa"], idToken.Amr());
    }

    private static bool LinksTo(BrowserResponse page, string path) => LinkTo(page, path) is not null;

    private static string? LinkTo(BrowserResponse page, string path) =>
        page.Document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!)
            .FirstOrDefault(href => new Uri(new Uri("https://idp.test"), href).AbsolutePath == path);
}
