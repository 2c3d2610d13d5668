using Idp.Configuration;
using Idp.Data.Entities;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Idp.Protocol.Clients;

/// <summary>
/// The public keys of a <c>private_key_jwt</c> client: its inline JWKS, or its <c>jwks_uri</c> fetched with a short
/// timeout and cached (<c>Idp:ClientAuthentication:JwksCacheTime</c>). A key id not in the cached set fetches again
/// (the client rotated its keys), at most once per <c>JwksRefetchInterval</c>, so forged kids cannot make Idp hammer the client.
/// </summary>
public sealed partial class ClientKeys(IHttpClientFactory httpClients, IMemoryCache cache, IOptions<IdpOptions> options, TimeProvider clock, ILogger<ClientKeys> logger)
{
    public const string HttpClientName = "client-jwks";

    /// <summary>A JWKS larger than this is refused: it is a few keys, not a download.</summary>
    private const int MaxJwksBytes = 64 * 1024;

    private sealed record Fetched(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt);

    /// <summary>The keys that may verify an assertion with key id <paramref name="kid"/> (all keys when it has none).</summary>
    public async Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(Client client, string? kid, CancellationToken cancellationToken)
    {
        if (client.Jwks is not null)
        {
            var inline = cache.GetOrCreate("client-jwks-inline:" + client.ClientId + ":" + Security.Hashing.Sha256(client.Jwks), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1);
                return ClientJwks.TryParse(client.Jwks, out var keys, out _) ? keys : [];
            })!;
            return Select(inline, kid);
        }
        if (client.JwksUri is null)
            return [];

        var settings = options.Value.ClientAuthentication;
        var cacheKey = "client-jwks-uri:" + client.ClientId + ":" + client.JwksUri;
        var cached = cache.Get<Fetched>(cacheKey);
        var now = clock.GetUtcNow();
        if (cached is not null && now - cached.FetchedAt < settings.JwksCacheTime)
        {
            var selected = Select(cached.Keys, kid);
            if (selected.Count > 0 || now - cached.FetchedAt < settings.JwksRefetchInterval)
                return selected;
            LogUnknownKid(client.ClientId);
        }

        var fetched = await FetchAsync(client, settings.JwksFetchTimeout, cancellationToken);
        if (fetched is null)
        {
            // Keep using the last good set rather than locking the client out while its JWKS host hiccups.
            return cached is null ? [] : Select(cached.Keys, kid);
        }
        cache.Set(cacheKey, new Fetched(fetched, now), settings.JwksCacheTime + settings.JwksCacheTime);
        return Select(fetched, kid);
    }

    private async Task<IReadOnlyList<JsonWebKey>?> FetchAsync(Client client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.GetAsync(client.JwksUri, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxJwksBytes)
            {
                LogFetchFailed(client.ClientId, $"status {(int)response.StatusCode}");
                return null;
            }
            var json = await response.Content.ReadAsStringAsync(timeoutSource.Token);
            if (json.Length > MaxJwksBytes)
            {
                LogFetchFailed(client.ClientId, "too large");
                return null;
            }
            if (!ClientJwks.TryParse(json, out var keys, out var error))
            {
                LogFetchFailed(client.ClientId, error!);
                return null;
            }
            return keys;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(client.ClientId, exception is OperationCanceledException ? "timeout" : exception.Message);
            return null;
        }
    }

    private static IReadOnlyList<JsonWebKey> Select(IReadOnlyList<JsonWebKey> keys, string? kid) =>
        kid is null ? keys : keys.Where(k => k.Kid == kid).ToList();

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "The JWKS of client {ClientId} could not be fetched: {Reason}")]
    private partial void LogFetchFailed(string clientId, string reason);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Information, Message = "Client {ClientId} used a key id not in its cached JWKS; fetching the JWKS again")]
    private partial void LogUnknownKid(string clientId);
}
