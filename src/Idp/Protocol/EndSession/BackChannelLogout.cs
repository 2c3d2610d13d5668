using Idp.Protocol.Clients;
using Idp.Protocol.Tokens;

namespace Idp.Protocol.EndSession;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0: each client of the ended session that registered a back-channel
/// logout URI gets a signed logout token. Sent in parallel with a short timeout; a failing client is logged
/// and does not hold up the user's sign-out.
/// </summary>
public sealed class BackChannelLogout(IClientStore clients, TokenIssuer issuer, IHttpClientFactory httpClients, ILogger<BackChannelLogout> logger)
{
    public const string HttpClientName = "backchannel-logout";

    public async Task NotifyAsync(string subjectId, string sessionId, IEnumerable<string> clientIds, CancellationToken cancellationToken)
    {
        var sends = new List<Task>();
        foreach (var clientId in clientIds.Distinct())
        {
            var client = await clients.FindAsync(clientId, cancellationToken);
            if (client?.BackChannelLogoutUri is { } uri)
                sends.Add(SendAsync(client, uri, subjectId, sessionId));
        }
        await Task.WhenAll(sends);
    }

    private async Task SendAsync(Data.Entities.Client client, string uri, string subjectId, string sessionId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var token = await issuer.CreateLogoutTokenAsync(client, subjectId, sessionId, timeout.Token);
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", token)]);
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(uri, content, timeout.Token);
            if (!response.IsSuccessStatusCode)
                Log.BackChannelLogoutFailed(logger, client.ClientId, (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            Log.BackChannelLogoutUnreachable(logger, client.ClientId, exception.GetType().Name);
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Back-channel logout to {ClientId} answered {StatusCode}")]
    public static partial void BackChannelLogoutFailed(ILogger logger, string clientId, int statusCode);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Back-channel logout to {ClientId} failed: {Reason}")]
    public static partial void BackChannelLogoutUnreachable(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Back-channel logout queue full: a session of {SubjectId} ({ClientCount} clients) is not notified")]
    public static partial void BackChannelLogoutQueueFull(ILogger logger, string subjectId, int clientCount);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Back-channel logout for a session of {SubjectId} failed: {Error}")]
    public static partial void BackChannelLogoutQueuedFailed(ILogger logger, string subjectId, string error);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "{Count} back-channel logouts not sent at shutdown")]
    public static partial void BackChannelLogoutsLeftAtShutdown(ILogger logger, int count);
}
