using System.Text.Json;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Messaging;
using Idp.Protocol.Clients;
using Idp.Protocol.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Idp.Protocol.EndSession;

/// <summary>A session that ended, with the clients that took part in it (those with a back-channel logout URI are told).</summary>
public sealed record EndedSession(string SubjectId, string SessionId, IReadOnlyList<string> ClientIds);

/// <summary>What a back-channel logout message in the outbox carries: the logout token is minted from it at send time.</summary>
public sealed record BackChannelLogoutPayload(string SubjectId, string SessionId, string ClientId);

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0, through the outbox: ending a session writes one message per client of the
/// session that registered a back-channel logout URI, in the same transaction as the ending; the outbox dispatcher
/// POSTs a logout token to each, off the request path, retrying while the portal is down.
/// </summary>
public static class BackChannelLogout
{
    public const string HttpClientName = "backchannel-logout";

    /// <summary>Adds the messages for <paramref name="sessions"/> to <paramref name="db"/>; the caller's <c>SaveChanges</c> writes them with the ending.</summary>
    public static async Task AddMessagesAsync(IdpDbContext db, IReadOnlyCollection<EndedSession> sessions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var clientIds = sessions.SelectMany(s => s.ClientIds).Distinct().ToList();
        if (clientIds.Count == 0)
            return;
        var withUri = await db.Clients.AsNoTracking()
            .Where(c => clientIds.Contains(c.ClientId) && c.BackChannelLogoutUri != null)
            .Select(c => c.ClientId).ToListAsync(cancellationToken);
        foreach (var session in sessions)
        {
            foreach (var clientId in session.ClientIds.Distinct().Where(withUri.Contains))
            {
                db.Outbox.Add(new OutboxMessage
                {
                    Channel = OutboxChannel.BackChannelLogout,
                    Recipient = clientId,
                    Payload = JsonSerializer.Serialize(new BackChannelLogoutPayload(session.SubjectId, session.SessionId, clientId)),
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }
        }
    }
}

/// <summary>
/// Sends one back-channel logout: a logout token minted now (so a delivery after an outage still carries a fresh,
/// valid token), POSTed to the client's current back-channel logout URI. A client that no longer has one is done.
/// </summary>
public sealed class BackChannelLogoutDelivery(IClientStore clients, TokenIssuer issuer, IHttpClientFactory httpClients, ILogger<BackChannelLogoutDelivery> logger) : IOutboxDelivery
{
    public OutboxChannel Kind => OutboxChannel.BackChannelLogout;
    public bool IsEnabled => true;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<BackChannelLogoutPayload>(message.Payload ?? "null")
            ?? throw new InvalidOperationException("The back-channel logout message has no payload.");
        var client = await clients.FindAsync(payload.ClientId, cancellationToken);
        if (client?.BackChannelLogoutUri is not { } uri)
            return;
        var token = await issuer.CreateLogoutTokenAsync(client, payload.SubjectId, payload.SessionId, cancellationToken);
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", token)]);
        using var response = await httpClients.CreateClient(BackChannelLogout.HttpClientName).PostAsync(uri, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Log.BackChannelLogoutFailed(logger, client.ClientId, (int)response.StatusCode);
            throw new HttpRequestException($"The back-channel logout URI answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Back-channel logout to {ClientId} answered {StatusCode}")]
    public static partial void BackChannelLogoutFailed(ILogger logger, string clientId, int statusCode);
}
