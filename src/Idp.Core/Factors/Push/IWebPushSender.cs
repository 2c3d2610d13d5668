namespace Idp.Factors.Push;

/// <summary>A browser's push subscription (the PWA's <c>PushSubscription.toJSON()</c>).</summary>
public sealed record WebPushSubscription(string Endpoint, string P256dh, string Auth);

public enum WebPushResult
{
    Delivered,

    /// <summary>The push service says the subscription is gone (404/410): forget it.</summary>
    Gone,

    Failed,
}

/// <summary>Sends an encrypted Web Push message (RFC 8030, 8291, 8292) to a subscription.</summary>
public interface IWebPushSender
{
    Task<WebPushResult> SendAsync(WebPushSubscription subscription, ReadOnlyMemory<byte> payload, TimeSpan timeToLive, CancellationToken cancellationToken = default);
}
