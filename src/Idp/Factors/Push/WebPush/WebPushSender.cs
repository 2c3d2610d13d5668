using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Idp.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Factors.Push.WebPush;

/// <summary>
/// Sends a push message (RFC 8030 §5) to a subscription's endpoint: the payload encrypted per RFC 8291
/// (<c>Content-Encoding: aes128gcm</c>), the server identified by VAPID (RFC 8292), a <c>TTL</c> and
/// <c>Urgency: high</c> (an approval is waited for). 404 and 410 mean the subscription is gone.
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

    public async Task<WebPushResult> SendAsync(WebPushSubscription subscription, ReadOnlyMemory<byte> payload, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        if (!TryParseEndpoint(subscription.Endpoint, out var endpoint))
        {
            LogRefusedEndpoint();
            return WebPushResult.Gone;
        }

        byte[] body;
        try
        {
            body = WebPushEncryption.Encrypt(payload.Span, Base64UrlEncoder.DecodeBytes(subscription.P256dh), Base64UrlEncoder.DecodeBytes(subscription.Auth));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            // A subscription whose keys are not usable will never work: forget it.
            LogUnusableKeys(endpoint.Host, exception.GetType().Name);
            return WebPushResult.Gone;
        }

        var key = await keys.GetKeyAsync(cancellationToken);
        var token = VapidToken.Create(key, VapidToken.AudienceOf(endpoint), Subject(), timeProvider.GetUtcNow() + TokenLifetime);

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.TryAddWithoutValidation("Authorization", VapidToken.AuthorizationHeader(token, key));
        request.Headers.Add("TTL", ((long)Math.Max(0, timeToLive.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Urgency", "high");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");

        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                LogDelivered(endpoint.Host, (int)response.StatusCode);
                return WebPushResult.Delivered;
            }
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                LogGone(endpoint.Host, (int)response.StatusCode);
                return WebPushResult.Gone;
            }
            LogRejected(endpoint.Host, (int)response.StatusCode);
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

    private string Subject() => options.Value.Subject is { Length: > 0 } subject ? subject : idpOptions.Value.Issuer;

    // The endpoint URL is a capability of the subscription: only its host is logged.
    [LoggerMessage(EventId = 2251, Level = LogLevel.Debug, Message = "Web Push delivered to {Host} ({StatusCode})")]
    private partial void LogDelivered(string host, int statusCode);

    [LoggerMessage(EventId = 2252, Level = LogLevel.Information, Message = "Web Push subscription at {Host} is gone ({StatusCode})")]
    private partial void LogGone(string host, int statusCode);

    [LoggerMessage(EventId = 2253, Level = LogLevel.Warning, Message = "Web Push to {Host} was refused with {StatusCode}")]
    private partial void LogRejected(string host, int statusCode);

    [LoggerMessage(EventId = 2254, Level = LogLevel.Warning, Message = "Web Push to {Host} failed ({ErrorType})")]
    private partial void LogUnreachable(string host, string errorType);

    [LoggerMessage(EventId = 2255, Level = LogLevel.Warning, Message = "Web Push subscription at {Host} has unusable keys ({ErrorType})")]
    private partial void LogUnusableKeys(string host, string errorType);

    [LoggerMessage(EventId = 2256, Level = LogLevel.Warning, Message = "Web Push endpoint refused: not https (http only on loopback)")]
    private partial void LogRefusedEndpoint();
}
