using System.Net;
using System.Security.Cryptography;
using Idp.Configuration;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Factors.Push.WebPush;

/// <summary>
/// Sends a push message (RFC 8030 §5) to a subscription's endpoint through Lib.Net.Http.WebPush: the payload encrypted
/// per RFC 8291 (<c>Content-Encoding: aes128gcm</c>), a <c>TTL</c> and <c>Urgency: high</c> (an approval is waited
/// for). The VAPID token (RFC 8292) is ours (<see cref="VapidToken"/>), handed to the library as its cached token.
/// 404 and 410 mean the subscription is gone.
/// </summary>
public sealed partial class WebPushSender(
    IHttpClientFactory httpClientFactory,
    VapidKeyStore keys,
    IOptions<WebPushOptions> options,
    IOptions<IdpOptions> idpOptions,
    TimeProvider timeProvider,
    ILogger<WebPushSender> logger) : IWebPushSender
{
    public const string HttpClientName = "Idp.WebPush";

    /// <summary>How long a VAPID token is valid (below RFC 8292's 24-hour limit, leaving room for clock skew).</summary>
    internal static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    /// <summary>RFC 8291 §4: what fits one 4096-octet record; the library would split a longer one, which push services refuse.</summary>
    public const int MaxPayloadLength = 3993;

    /// <summary>
    /// The library insists on a private key though it never signs here (the token comes from <see cref="IssuedToken"/>):
    /// a throwaway one, so our VAPID key is never copied into a string.
    /// </summary>
    private static readonly string UnusedPrivateKey = MakeUnusedPrivateKey();

    public async Task<WebPushResult> SendAsync(WebPushSubscription subscription, ReadOnlyMemory<byte> payload, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        if (!TryParseEndpoint(subscription.Endpoint, out var endpoint))
        {
            LogRefusedEndpoint();
            return WebPushResult.Gone;
        }
        if (UnusableKeys(subscription) is { } problem)
        {
            // A subscription whose keys are not usable will never work: forget it.
            LogUnusableKeys(endpoint.Host, problem);
            return WebPushResult.Gone;
        }
        if (payload.Length > MaxPayloadLength)
        {
            LogPayloadTooLong(endpoint.Host, payload.Length);
            return WebPushResult.Failed;
        }

        var key = await keys.GetKeyAsync(cancellationToken);
        var token = VapidToken.Create(key, VapidToken.AudienceOf(endpoint), Subject(), timeProvider.GetUtcNow() + TokenLifetime);
        using var vapid = new VapidAuthentication(key.PublicKeyBase64Url, UnusedPrivateKey) { TokenCache = new IssuedToken(token) };
        var message = new PushMessage(new ByteArrayContent(payload.ToArray()))
        {
            TimeToLive = (int)Math.Clamp(timeToLive.TotalSeconds, 0, int.MaxValue),
            Urgency = PushMessageUrgency.High,
        };
        var target = new PushSubscription { Endpoint = endpoint.AbsoluteUri };
        target.SetKey(PushEncryptionKeyName.P256DH, subscription.P256dh);
        target.SetKey(PushEncryptionKeyName.Auth, subscription.Auth);

        // A 429 is a failure like any other: the delivery queue must not wait out a Retry-After.
        var client = new PushServiceClient(httpClientFactory.CreateClient(HttpClientName)) { AutoRetryAfter = false };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            await client.RequestPushMessageDeliveryAsync(target, message, vapid, VapidAuthenticationScheme.Vapid, timeout.Token);
            LogDelivered(endpoint.Host);
            return WebPushResult.Delivered;
        }
        catch (PushServiceClientException refused) when (refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            LogGone(endpoint.Host, (int)refused.StatusCode);
            return WebPushResult.Gone;
        }
        catch (PushServiceClientException refused)
        {
            LogRejected(endpoint.Host, (int)refused.StatusCode);
            return WebPushResult.Failed;
        }
        catch (Exception exception) when (exception is HttpRequestException || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(endpoint.Host, exception.GetType().Name);
            return WebPushResult.Failed;
        }
    }

    /// <summary>Push services are https; plain http only on loopback (a local push service in development and tests).</summary>
    internal static bool TryParseEndpoint(string? value, out Uri endpoint)
    {
        endpoint = null!;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            return false;
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            return false;
        endpoint = uri;
        return true;
    }

    /// <summary>
    /// Why the subscription's keys cannot be used (RFC 8291 §3: a P-256 point and a 16-byte secret), or null. Checked
    /// here, before the library, so that a broken subscription is told apart from a failed delivery.
    /// </summary>
    internal static string? UnusableKeys(WebPushSubscription subscription)
    {
        try
        {
            var point = Base64UrlEncoder.DecodeBytes(subscription.P256dh);
            if (point.Length != 65 || point[0] != 0x04)
                return "p256dh is not an uncompressed P-256 point";
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33], Y = point[33..] },
            });
            return Base64UrlEncoder.DecodeBytes(subscription.Auth).Length == 16 ? null : "auth is not 16 bytes";
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            return exception.GetType().Name;
        }
    }

    private static string MakeUnusedPrivateKey()
    {
        using var throwaway = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Base64UrlEncoder.Encode(throwaway.ExportParameters(includePrivateParameters: true).D!);
    }

    private string Subject() => options.Value.Subject is { Length: > 0 } subject ? subject : idpOptions.Value.Issuer;

    /// <summary>
    /// Gives the library our token. Its own would take the audience without the endpoint's port and the expiry from the
    /// system clock rather than <see cref="TimeProvider"/>.
    /// </summary>
    private sealed class IssuedToken(string token) : IVapidTokenCache
    {
        public string Get(string audience) => token;

        public void Put(string audience, DateTimeOffset expiration, string token)
        {
        }
    }

    // The endpoint URL is a capability of the subscription: only its host is logged.
    [LoggerMessage(EventId = 2251, Level = LogLevel.Debug, Message = "Web Push delivered to {Host}")]
    private partial void LogDelivered(string host);

    [LoggerMessage(EventId = 2252, Level = LogLevel.Information, Message = "Web Push subscription at {Host} is gone ({StatusCode})")]
    private partial void LogGone(string host, int statusCode);

    [LoggerMessage(EventId = 2253, Level = LogLevel.Warning, Message = "Web Push to {Host} was refused with {StatusCode}")]
    private partial void LogRejected(string host, int statusCode);

    [LoggerMessage(EventId = 2254, Level = LogLevel.Warning, Message = "Web Push to {Host} failed ({ErrorType})")]
    private partial void LogUnreachable(string host, string errorType);

    [LoggerMessage(EventId = 2255, Level = LogLevel.Warning, Message = "Web Push subscription at {Host} has unusable keys ({Problem})")]
    private partial void LogUnusableKeys(string host, string problem);

    [LoggerMessage(EventId = 2257, Level = LogLevel.Error, Message = "Web Push to {Host} not sent: the payload has {Length} bytes, more than one record holds")]
    private partial void LogPayloadTooLong(string host, int length);

    [LoggerMessage(EventId = 2256, Level = LogLevel.Warning, Message = "Web Push endpoint refused: not https (http only on loopback)")]
    private partial void LogRefusedEndpoint();
}
