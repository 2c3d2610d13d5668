using System.Threading.Channels;

namespace Idp.Protocol.EndSession;

/// <summary>A session that ended, with the clients that took part in it (those with a back-channel logout URI are told).</summary>
public sealed record EndedSession(string SubjectId, string SessionId, IReadOnlyList<string> ClientIds);

/// <summary>
/// Sessions ended on this node whose portals are still to be told (OpenID Connect Back-Channel Logout), sent by
/// <see cref="BackChannelLogoutService"/> off the request path: a slow portal never holds up the user or the agent.
/// Bounded; when full, the notification is refused with a warning in the log, never dropped silently. In memory only:
/// a crash between the commit and the send loses the notification (the session is ended either way).
/// </summary>
public sealed class BackChannelLogoutQueue
{
    public const int Capacity = 10_000;

    private readonly Channel<EndedSession> _channel = Channel.CreateBounded<EndedSession>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuses instead of waiting or dropping another
        SingleReader = true,
        SingleWriter = false,
    });
    private readonly ILogger<BackChannelLogoutQueue> _logger;

    public BackChannelLogoutQueue(ILogger<BackChannelLogoutQueue> logger) => _logger = logger;

    internal ChannelReader<EndedSession> Reader => _channel.Reader;

    /// <summary>Queues the notification of every ended session that had clients; call only once the ending is committed.</summary>
    public void Enqueue(IEnumerable<EndedSession> sessions)
    {
        foreach (var session in sessions)
        {
            if (session.ClientIds.Count == 0)
                continue;
            if (!_channel.Writer.TryWrite(session))
                Log.BackChannelLogoutQueueFull(_logger, session.SubjectId, session.ClientIds.Count);
        }
    }

    internal void Complete() => _channel.Writer.TryComplete();
}

/// <summary>
/// Drains <see cref="BackChannelLogoutQueue"/>: one session after the other, each in its own scope, its clients in
/// parallel (each send has its own short timeout in <see cref="BackChannelLogout"/>). On shutdown what is still
/// queued is logged as not sent.
/// </summary>
public sealed class BackChannelLogoutService(BackChannelLogoutQueue queue, IServiceScopeFactory scopes, ILogger<BackChannelLogoutService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var session in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<BackChannelLogout>()
                        .NotifyAsync(session.SubjectId, session.SessionId, session.ClientIds, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // One broken notification must not stop the others.
                    Log.BackChannelLogoutQueuedFailed(logger, session.SubjectId, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            queue.Complete();
            var left = 0;
            while (queue.Reader.TryRead(out _))
                left++;
            if (left > 0)
                Log.BackChannelLogoutsLeftAtShutdown(logger, left);
        }
    }
}
