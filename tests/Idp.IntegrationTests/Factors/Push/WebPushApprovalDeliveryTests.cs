using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Idp.IntegrationTests.Infrastructure;
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
        var pending = Assert.Single((await PushDevice.Client(idp).PendingAsync(device)).Where(r => !r.IsTest));
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

    private static async Task SubscribeAsync(IdpFactory idp, Authenticator.Cli.DeviceAccount device, string endpoint, WebPushReceiver receiver)
    {
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
