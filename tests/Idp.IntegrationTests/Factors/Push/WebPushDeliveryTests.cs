using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Idp.Factors.Push;
using Idp.Factors.Push.WebPush;
using Idp.IntegrationTests.Infrastructure;
using Idp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Factors.Push;

/// <summary>Web Push from Idp to a push service on a loopback port that checks VAPID and decrypts like a browser.</summary>
public sealed class WebPushDeliveryTests
{
    [Fact]
    public async Task Send_ToPushService_VapidVerifiesAndPayloadDecryptsWithTheSubscriptionKey()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        await using var idp = new IdpFactory().WithSetting("Idp:Push:Vapid:Subject", "mailto:security@example.org");
        using var device = new WebPushReceiver();
        var payload = """{"type":"request","requestId":"r-1","portalName":"Finance Cloud"}"""u8.ToArray();

        var result = await Sender(idp).SendAsync(Subscription(pushService, "device-1", device), payload, TimeSpan.FromMinutes(2));

        Assert.Equal(WebPushResult.Delivered, result);
        var push = await pushService.WaitForAsync("device-1");
        var vapid = WebPushReceiver.VerifyVapid(push.Authorization, pushService.Origin, idp.Clock.GetUtcNow());
        Assert.Equal("mailto:security@example.org", vapid.Subject);
        Assert.Equal(await PublishedVapidKeyAsync(idp), vapid.PublicKey);
        Assert.Equal("120", push.Ttl);
        Assert.Equal("high", push.Urgency);
        Assert.Equal("aes128gcm", push.ContentEncoding);
        Assert.Equal("application/octet-stream", push.ContentType);
        Assert.Equal(payload, device.Decrypt(push.Body));
        Assert.Equal(-1, push.Body.AsSpan().IndexOf("Finance Cloud"u8));
    }

    [Fact]
    public async Task Send_WithoutConfiguredSubject_UsesTheIssuer()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        await using var idp = new IdpFactory();
        using var device = new WebPushReceiver();

        await Sender(idp).SendAsync(Subscription(pushService, "d", device), "x"u8.ToArray(), TimeSpan.FromSeconds(30));

        var push = await pushService.WaitForAsync("d");
        Assert.Equal(IdpFactory.Issuer, WebPushReceiver.VerifyVapid(push.Authorization, pushService.Origin, idp.Clock.GetUtcNow()).Subject);
    }

    [Theory]
    [InlineData(410, WebPushResult.Gone)]
    [InlineData(404, WebPushResult.Gone)]
    [InlineData(429, WebPushResult.Failed)]
    [InlineData(500, WebPushResult.Failed)]
    public async Task Send_PushServiceAnswers_ResultFollowsTheStatus(int status, WebPushResult expected)
    {
        await using var pushService = await PushServiceStub.StartAsync();
        pushService.StatusCode = status;
        await using var idp = new IdpFactory();
        using var device = new WebPushReceiver();

        var result = await Sender(idp).SendAsync(Subscription(pushService, "d", device), "x"u8.ToArray(), TimeSpan.FromSeconds(30));

        Assert.Equal(expected, result);
    }

    [Fact]
    public async Task Send_PushServiceUnreachable_Failed()
    {
        await using var idp = new IdpFactory();
        using var device = new WebPushReceiver();
        var endpoint = $"http://127.0.0.1:{FreePort()}/push/x";

        var result = await Sender(idp).SendAsync(new WebPushSubscription(endpoint, device.PublicKeyBase64Url, device.AuthSecretBase64Url), "x"u8.ToArray(), TimeSpan.FromSeconds(30));

        Assert.Equal(WebPushResult.Failed, result);
    }

    [Fact]
    public async Task Send_PlainHttpEndpointOffLoopbackOrBrokenKeys_GoneWithoutARequest()
    {
        await using var pushService = await PushServiceStub.StartAsync();
        await using var idp = new IdpFactory();
        using var device = new WebPushReceiver();

        Assert.Equal(WebPushResult.Gone, await Sender(idp).SendAsync(
            new WebPushSubscription("http://push.example.net/push/x", device.PublicKeyBase64Url, device.AuthSecretBase64Url), "x"u8.ToArray(), TimeSpan.FromSeconds(30)));
        Assert.Equal(WebPushResult.Gone, await Sender(idp).SendAsync(
            new WebPushSubscription(pushService.EndpointFor("bad"), "BAAA", device.AuthSecretBase64Url), "x"u8.ToArray(), TimeSpan.FromSeconds(30)));
        Assert.Empty(pushService.Received);
    }

    [Fact]
    public async Task VapidKey_MadeOnce_StoredEncrypted_SameOnEveryNode()
    {
        await using var cluster = new IdpCluster(2);
        cluster.Start();

        var fromA = await PublishedVapidKeyAsync(cluster.NodeA);
        var fromB = await PublishedVapidKeyAsync(cluster.NodeB);

        Assert.Equal(fromA, fromB);
        var rows = await cluster.NodeA.WithDbAsync(db => db.WebPushVapidKeys.AsNoTracking().ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(fromA, row.PublicKey);
        Assert.Equal(65, WebPushReceiver.FromBase64Url(fromA).Length);
        // The private scalar is not stored in clear: the stored value is SecretProtector's AES-GCM envelope.
        var vapid = await cluster.NodeA.Services.GetRequiredService<VapidKeyStore>().GetKeyAsync();
        var scalar = WebPushReceiver.Base64Url(vapid.ExportPrivateScalar());
        Assert.DoesNotContain(scalar, row.ProtectedPrivateKey);
        Assert.DoesNotContain(Convert.ToBase64String(vapid.ExportPrivateScalar()), row.ProtectedPrivateKey);
    }

    [Fact]
    public async Task VapidKey_Configured_IsUsedAndNothingIsStored()
    {
        using var key = VapidKey.Generate();
        await using var idp = new IdpFactory()
            .WithSetting("Idp:Push:Vapid:PublicKey", key.PublicKeyBase64Url)
            .WithSetting("Idp:Push:Vapid:PrivateKey", WebPushReceiver.Base64Url(key.ExportPrivateScalar()));

        Assert.Equal(key.PublicKeyBase64Url, await PublishedVapidKeyAsync(idp));
        Assert.Equal(0, await idp.WithDbAsync(db => db.WebPushVapidKeys.CountAsync()));
    }

    [Fact]
    public async Task VapidKey_ConfiguredHalf_StopsStartUpNamingTheSetting()
    {
        using var key = VapidKey.Generate();
        await using var idp = new IdpFactory().WithSetting("Idp:Push:Vapid:PublicKey", key.PublicKeyBase64Url);

        var failure = Assert.ThrowsAny<Exception>(() => idp.Start());

        Assert.Contains("Idp:Push:Vapid:PrivateKey", failure.ToString());
    }

    [Fact]
    public async Task VapidPublicKey_AllowedOriginGetsCorsHeaders()
    {
        await using var idp = new IdpFactory().WithSetting("Idp:Push:AllowedOrigins:0", "http://localhost:5400");
        using var client = idp.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/authenticator/v1/vapid-public-key");
        request.Headers.Add("Origin", "http://localhost:5400");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("http://localhost:5400", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private static IWebPushSender Sender(IdpFactory idp) => idp.Services.GetRequiredService<IWebPushSender>();

    private static WebPushSubscription Subscription(PushServiceStub pushService, string id, WebPushReceiver device) =>
        new(pushService.EndpointFor(id), device.PublicKeyBase64Url, device.AuthSecretBase64Url);

    private static async Task<string> PublishedVapidKeyAsync(IdpFactory idp)
    {
        using var client = idp.CreateClient();
        var json = await client.GetFromJsonAsync<JsonElement>("/api/authenticator/v1/vapid-public-key");
        return json.GetProperty("publicKey").GetString()!;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
