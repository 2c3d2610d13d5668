using System.Diagnostics;
using Idp.Authentication;
using Idp.Data.Entities;
using Idp.Factors.Push;
using Idp.IntegrationTests.Factors;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Push;

/// <summary>
/// Push approval behind a load balancer: the browser waits on node A with its event stream open there, the device
/// decides through node B. Runs on the configured database (SQLite, or PostgreSQL with <c>IDP_TEST_DATABASE=postgres</c>).
/// </summary>
public sealed class PushTwoNodeTests
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task BrowserWaitsOnA_DeviceDecidesOnB_StreamOnANoticesWithinThePollInterval_SignInCompletes()
    {
        await using var cluster = new IdpCluster(2);
        cluster.Configure(node => node
            .WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret))
            .WithSetting("Idp:Push:PollInterval", PollInterval.ToString())).Start();
        var user = await PushDevice.CreateUserWithPhoneAsync(cluster.NodeA);
        var atB = PushDevice.Client(cluster.NodeB);
        using var device = await PushDevice.RegisterAsync(cluster.NodeB, user);
        var test = Assert.Single(await atB.PendingAsync(device));
        await atB.DecideAsync(device, test, approve: true, test.NumberChoices[0]);

        // The browser signs in on A and opens the waiting page's event stream there.
        using var browser = cluster.CreateBrowser();
        var rp = new TestRelyingParty(cluster.NodeA, "portal");
        var page = await rp.AuthorizeAsync(browser, user);
        Assert.Same(cluster.NodeA, browser.Node);
        Assert.Equal(PushFactor.ChallengePage, page.Url.AbsolutePath);
        var number = int.Parse(page.Text("#push-number")!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var eventsUrl = page.Document.QuerySelector("#push-form")!.GetAttribute("data-push-events")!;
        var events = browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, eventsUrl));
        await Task.Delay(PollInterval * 3);
        Assert.False(events.IsCompleted, "the stream ended before any decision");

        // The device, whose requests go to node B, approves there.
        var request = Assert.Single(await atB.PendingAsync(device), r => !r.IsTest);
        await atB.DecideAsync(device, request, approve: true, number);
        var decided = Stopwatch.StartNew();
        var stream = await events.WaitAsync(TimeSpan.FromSeconds(30));
        decided.Stop();

        Assert.Equal("text/event-stream", stream.ContentType);
        Assert.Contains("event: decided\ndata: {\"state\":\"approved\"}", stream.Body);
        // One poll interval, plus room for the query and the response on a busy machine.
        Assert.True(decided.Elapsed < PollInterval + TimeSpan.FromSeconds(2), $"node A's stream took {decided.Elapsed} to notice the decision made on B");

        // The page's form (the script submits it on the event) completes the sign-in on A.
        var redirect = await browser.SubmitFormAsync(page, "#push-form");
        var idToken = await rp.IdTokenAsync(redirect);
        Assert.Equal(["pwd", "hwk", "mfa"], idToken.Amr());
        Assert.Equal(AuthenticationLevels.SecondFactorAcr, idToken.GetClaim("acr").Value);
        Assert.Equal(PushRequestState.Completed, await cluster.NodeA.WithDbAsync(db =>
            db.PushRequests.AsNoTracking().Where(r => r.Id == request.RequestId).Select(r => r.State).SingleAsync()));
    }
}
