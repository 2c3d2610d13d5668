using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Idp.IntegrationTests.Infrastructure;
using Idp.IntegrationTests.Messaging;
using Microsoft.AspNetCore.Http;
using Idp.IntegrationTests.Protocol;
using Idp.IntegrationTests.Push;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Factors.Push;

/// <summary>
/// A closed companion app is reached by Web Push: the device stores a subscription, a sign-in creates a request, and the
/// push service receives a message that decrypts with the subscription's key to the request's id and portal name.
/// </summary>
public sealed class WebPushApprovalDeliveryTests
{
    [Fact]
    public async Task SignIn_DeviceWithSubscription_PushServiceReceivesTheRequestEncrypted()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var device = await PushDevice.RegisterAsync(idp, user);
        using var receiver = new WebPushReceiver();
        await SubscribeAsync(idp, device, pushService.EndpointFor("phone"), receiver);

        using var browser = idp.CreateBrowser();
        var page = await new TestRelyingParty(idp, "portal").AuthorizeAsync(browser, user);
        Assert.Equal("/signin/push", page.Url.AbsolutePath);

        var push = await pushService.WaitForAsync("phone");
        WebPushReceiver.VerifyVapid(push.Authorization, pushService.Origin, idp.Clock.GetUtcNow());
        using var message = JsonDocument.Parse(receiver.Decrypt(push.Body));
        var pending = Assert.Single(await PushDevice.Client(idp).PendingAsync(device), r => !r.IsTest);
        Assert.Equal("request", message.RootElement.GetProperty("type").GetString());
        Assert.Equal(pending.RequestId, message.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("Test portal portal", message.RootElement.GetProperty("portalName").GetString());
        // No secret travels in the push: neither the challenge nor the numbers.
        Assert.False(message.RootElement.TryGetProperty("challenge", out _));
        Assert.False(message.RootElement.TryGetProperty("numberChoices", out _));
        Assert.Equal(((int)idp.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Idp.Factors.Push.PushOptions>>().Value.RequestLifetime.TotalSeconds).ToString(), push.Ttl);
    }

    [Fact]
    public async Task SignIn_PushServiceSaysGone_SubscriptionIsForgotten()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        pushService.StatusCode = (int)HttpStatusCode.Gone;
        await using var idp = new IdpFactory();
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var device = await PushDevice.RegisterAsync(idp, user);
        using var receiver = new WebPushReceiver();
        await SubscribeAsync(idp, device, pushService.EndpointFor("old-phone"), receiver);

        using var browser = idp.CreateBrowser();
        await new TestRelyingParty(idp, "portal").AuthorizeAsync(browser, user);

        await pushService.WaitForAsync("old-phone");
        string? endpoint = "not read";
        for (var i = 0; i < 100 && endpoint is not null; i++)
        {
            endpoint = await idp.WithDbAsync(db => db.PushCredentials.AsNoTracking().Where(c => c.Id == device.CredentialId).Select(c => c.SubscriptionEndpoint).SingleAsync());
            if (endpoint is not null)
                await Task.Delay(50);
        }
        Assert.Null(endpoint);
    }

    [Fact]
    public async Task SignIn_PushServiceStalls_WaitingPageAnswersAtOnce_PushArrivesAfterwards()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        pushService.Stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var idp = new IdpFactory().WithSetting("Idp:Push:Vapid:Timeout", "00:00:30");
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var device = await PushDevice.RegisterAsync(idp, user);
        using var receiver = new WebPushReceiver();
        await SubscribeAsync(idp, device, pushService.EndpointFor("slow-phone"), receiver);

        using var browser = idp.CreateBrowser();
        var signIn = new TestRelyingParty(idp, "portal").AuthorizeAsync(browser, user);
        // The push service holds the push for up to 30 s; the waiting page must not wait for it.
        var first = await Task.WhenAny(signIn, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(signIn, first);
        Assert.Equal("/signin/push", (await signIn).Url.AbsolutePath);
        Assert.Empty(pushService.Received);

        pushService.Stall.SetResult();
        var pending = Assert.Single(await PushDevice.Client(idp).PendingAsync(device), r => !r.IsTest);
        string?[] requestIds = [];
        for (var i = 0; i < 300 && !requestIds.Contains(pending.RequestId); i++)
        {
            await Task.Delay(50);
            requestIds = [.. pushService.Received.Where(p => p.Id == "slow-phone")
                .Select(p => JsonDocument.Parse(receiver.Decrypt(p.Body)).RootElement.GetProperty("requestId").GetString())];
        }
        Assert.Contains(pending.RequestId, requestIds);
        for (var i = 0; i < 100 && !idp.Logs.Entries.Any(e => e.EventId.Id == 3207 && e.Message.Contains("Delivered")); i++)
            await Task.Delay(50);
        Assert.Contains(idp.Logs.Entries, e => e.EventId.Id == 3207 && e.Message.Contains(device.CredentialId) && e.Message.Contains("Delivered"));
    }

    [Fact]
    public async Task SignIn_PushServiceTimesOut_WaitingPageAnswersAtOnce_FailureIsLogged()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        pushService.Stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var idp = new IdpFactory().WithSetting("Idp:Push:Vapid:Timeout", "00:00:08");
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var device = await PushDevice.RegisterAsync(idp, user);
        using var receiver = new WebPushReceiver();
        await SubscribeAsync(idp, device, pushService.EndpointFor("stuck-phone"), receiver);

        using var browser = idp.CreateBrowser();
        var started = DateTime.UtcNow;
        var page = await new TestRelyingParty(idp, "portal").AuthorizeAsync(browser, user);
        Assert.Equal("/signin/push", page.Url.AbsolutePath);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the waiting page waited for the push service");

        for (var i = 0; i < 300 && !idp.Logs.Entries.Any(e => e.EventId.Id == 3207); i++)
            await Task.Delay(50);
        Assert.Contains(idp.Logs.Entries, e => e.EventId.Id == 2254);
        Assert.Contains(idp.Logs.Entries, e => e.EventId.Id == 3207 && e.Message.Contains(device.CredentialId) && e.Message.Contains("Failed"));
        Assert.NotNull(await idp.WithDbAsync(db => db.PushCredentials.AsNoTracking().Where(c => c.Id == device.CredentialId).Select(c => c.SubscriptionEndpoint).SingleAsync()));
        pushService.Stall.SetResult();
    }

    [Fact]
    public async Task SignIn_PushServiceDown_RetriedThroughTheOutbox_GivenUpWhenTheApprovalExpires()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        pushService.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
        await using var idp = new IdpFactory().WithoutBackgroundDispatcher().WithSetting("Idp:Email:RetryDelay", "00:00:30");
        idp.WithClient(TestClients.Create("portal", c => c.Secret = TestClients.Secret)).Start();
        var user = await PushDevice.CreateUserWithPhoneAsync(idp);
        using var device = await PushDevice.RegisterAsync(idp, user);
        using var receiver = new WebPushReceiver();
        await SubscribeAsync(idp, device, pushService.EndpointFor("offline-phone"), receiver);
        await idp.DispatchAsync(); // the registration's test request: answered, nothing to push

        using var browser = idp.CreateBrowser();
        await new TestRelyingParty(idp, "portal").AuthorizeAsync(browser, user);
        var pending = Assert.Single(await PushDevice.Client(idp).PendingAsync(device), r => !r.IsTest);
        var expiresAt = await idp.WithDbAsync(db => db.PushRequests.Where(r => r.Id == pending.RequestId).Select(r => r.ExpiresAt).SingleAsync());
        var message = await WebPushMessageAsync(idp, pending.RequestId);
        Assert.Equal(expiresAt, message.GiveUpAt);

        Assert.Equal(0, await idp.DispatchAsync());
        Assert.Single(pushService.Received);
        message = await WebPushMessageAsync(idp, pending.RequestId);
        Assert.Equal(1, message.Attempts);
        Assert.Null(message.FailedAt);
        Assert.True(message.NextAttemptAt <= expiresAt);

        // The approval expires before the push service is back: a late wake-up is useless, so it is given up.
        pushService.StatusCode = StatusCodes.Status201Created;
        idp.Clock.Advance(expiresAt - idp.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        var received = pushService.Received.Count;
        Assert.Equal(0, await idp.DispatchAsync());
        Assert.Equal(received, pushService.Received.Count);
        Assert.NotNull((await WebPushMessageAsync(idp, pending.RequestId)).FailedAt);
    }

    private static async Task<Data.Entities.OutboxMessage> WebPushMessageAsync(IdpFactory idp, string requestId) =>
        (await idp.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Channel == Data.Entities.OutboxChannel.WebPush).ToListAsync()))
            .Single(m => m.Payload!.Contains(requestId, StringComparison.Ordinal));

    /// <summary>Answers the registration's test request (so it is not pushed), then stores the subscription.</summary>
    private static async Task SubscribeAsync(IdpFactory idp, Authenticator.Cli.DeviceAccount device, string endpoint, WebPushReceiver receiver)
    {
        var test = Assert.Single(await PushDevice.Client(idp).PendingAsync(device));
        await PushDevice.Client(idp).DecideAsync(device, test, approve: true, test.NumberChoices[0]);
        using var client = idp.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/authenticator/v1/credentials/{device.CredentialId}/push-subscription")
        {
            Content = JsonContent.Create(new { endpoint, keys = new { p256dh = receiver.PublicKeyBase64Url, auth = receiver.AuthSecretBase64Url } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", device.AccessToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
