using Idp.Factors.Push;
using Idp.Factors.Push.WebPush;
using Idp.Testing;

namespace Idp.UnitTests.Factors.Push;

/// <summary>What the sender checks itself before handing a subscription to Lib.Net.Http.WebPush.</summary>
public sealed class WebPushSubscriptionKeysTests
{
    [Fact]
    public void UnusableKeys_BrowserSubscription_IsUsable()
    {
        using var device = new WebPushReceiver();
        Assert.Null(WebPushSender.UnusableKeys(new WebPushSubscription("https://push.example.net/x", device.PublicKeyBase64Url, device.AuthSecretBase64Url)));
    }

    [Fact]
    public void UnusableKeys_BrokenPointOrSecret_NamesTheProblem()
    {
        using var device = new WebPushReceiver();
        var offCurve = "BA" + new string('A', 85);
        Assert.NotNull(WebPushSender.UnusableKeys(new WebPushSubscription("https://push.example.net/x", "BAAA", device.AuthSecretBase64Url)));
        Assert.NotNull(WebPushSender.UnusableKeys(new WebPushSubscription("https://push.example.net/x", offCurve, device.AuthSecretBase64Url)));
        Assert.NotNull(WebPushSender.UnusableKeys(new WebPushSubscription("https://push.example.net/x", "!!not base64!!", device.AuthSecretBase64Url)));
        Assert.NotNull(WebPushSender.UnusableKeys(new WebPushSubscription("https://push.example.net/x", device.PublicKeyBase64Url, "AAAA")));
    }
}
