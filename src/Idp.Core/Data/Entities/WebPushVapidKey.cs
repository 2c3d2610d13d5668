namespace Idp.Data.Entities;

/// <summary>
/// The VAPID key pair Idp identifies itself with to push services (RFC 8292), when it is not configured. One row
/// (<see cref="CurrentId"/>), so every node signs with the same key the devices subscribed with.
/// </summary>
public sealed class WebPushVapidKey
{
    public const string CurrentId = "current";

    public string Id { get; set; } = CurrentId;

    /// <summary>The uncompressed P-256 point, base64url.</summary>
    public string PublicKey { get; set; } = "";

    /// <summary>The private scalar, encrypted with the configured key-encryption key (<c>SecretProtector</c>).</summary>
    public string ProtectedPrivateKey { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
