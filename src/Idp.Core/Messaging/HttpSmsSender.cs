using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;

namespace Idp.Messaging;

/// <summary>The <c>Idp:Sms:Gateway</c> section: an HTTP SMS gateway. Without <see cref="Url"/>, SMS go to the outbox.</summary>
public sealed class SmsGatewayOptions
{
    public const string Section = "Idp:Sms:Gateway";

    /// <summary>The gateway's URL (https, or http on loopback); messages are POSTed to it.</summary>
    public string? Url { get; set; }

    /// <summary>The request body; <c>{to}</c> and <c>{text}</c> are replaced (JSON-escaped for a JSON body, URL-encoded otherwise).</summary>
    public string BodyTemplate { get; set; } = "{\"to\":\"{to}\",\"text\":\"{text}\"}";

    public string ContentType { get; set; } = "application/json";

    /// <summary>An <c>Authorization</c> header value for the gateway (e.g. <c>Bearer …</c>), if it needs one.</summary>
    public string? Authorization { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class SmsGatewayOptionsValidator : IValidateOptions<SmsGatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsGatewayOptions options)
    {
        if (string.IsNullOrEmpty(options.Url))
            return ValidateOptionsResult.Success;
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            return ValidateOptionsResult.Fail($"{SmsGatewayOptions.Section}:Url must be an absolute https URL (http only on loopback).");
        if (!options.BodyTemplate.Contains("{to}", StringComparison.Ordinal) || !options.BodyTemplate.Contains("{text}", StringComparison.Ordinal))
            return ValidateOptionsResult.Fail($"{SmsGatewayOptions.Section}:BodyTemplate must contain {{to}} and {{text}}.");
        if (string.IsNullOrWhiteSpace(options.ContentType))
            return ValidateOptionsResult.Fail($"{SmsGatewayOptions.Section}:ContentType must not be empty.");
        return options.Timeout > TimeSpan.Zero && options.Timeout <= TimeSpan.FromMinutes(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{SmsGatewayOptions.Section}:Timeout must be between 0 and 1 minute.");
    }
}

/// <summary>Hands an outbox SMS to an HTTP gateway: one POST per message with the configured body template; throws when the gateway refuses it.</summary>
public sealed class HttpSmsSender(IHttpClientFactory clients, IOptions<SmsGatewayOptions> options, ILogger<HttpSmsSender> logger) : ISmsSender
{
    public const string ClientName = "sms-gateway";

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        var gateway = options.Value;
        var json = gateway.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase);
        string Encode(string value) => json ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value) : Uri.EscapeDataString(value);
        var body = gateway.BodyTemplate.Replace("{to}", Encode(message.To), StringComparison.Ordinal).Replace("{text}", Encode(message.Body), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, gateway.Url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(gateway.ContentType);
        if (!string.IsNullOrEmpty(gateway.Authorization))
            request.Headers.TryAddWithoutValidation("Authorization", gateway.Authorization);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(gateway.Timeout);
        using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // The body holds a code: log only the status.
            SmsLog.GatewayFailed(logger, (int)response.StatusCode);
            throw new HttpRequestException($"The SMS gateway answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        SmsLog.Sent(logger, (int)response.StatusCode);
    }
}

internal static partial class SmsLog
{
    [LoggerMessage(EventId = 2195, Level = LogLevel.Information, Message = "SMS handed to the gateway ({Status})")]
    public static partial void Sent(ILogger logger, int status);

    [LoggerMessage(EventId = 2196, Level = LogLevel.Error, Message = "The SMS gateway refused a message ({Status})")]
    public static partial void GatewayFailed(ILogger logger, int status);
}
