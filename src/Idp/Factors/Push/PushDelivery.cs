using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

/// <summary>A request whose devices are to be woken by Web Push.</summary>
public sealed record PushDelivery(string RequestId, string SubjectId, string PortalName);

/// <summary>
/// The Web Push deliveries waiting for <see cref="PushDeliveryService"/>: a bounded channel, so a slow push service
/// never holds up the browser's request. When it is full the delivery is refused with a warning (the device still
/// sees the request in its event stream or at the next poll), never dropped silently.
/// </summary>
public sealed class PushDeliveryQueue
{
    private readonly Channel<PushDelivery> _channel;
    private readonly ILogger<PushDeliveryQueue> _logger;

    public PushDeliveryQueue(IOptions<PushOptions> options, ILogger<PushDeliveryQueue> logger)
    {
        _logger = logger;
        _channel = Channel.CreateBounded<PushDelivery>(new BoundedChannelOptions(options.Value.DeliveryQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuses instead of waiting or dropping another
            SingleReader = false,
            SingleWriter = false,
        });
    }

    internal ChannelReader<PushDelivery> Reader => _channel.Reader;

    /// <summary>Queues a delivery; false (and a warning) when the queue is full or shut down.</summary>
    public bool TryEnqueue(PushDelivery delivery)
    {
        if (_channel.Writer.TryWrite(delivery))
            return true;
        PushLog.DeliveryQueueFull(_logger, delivery.SubjectId, delivery.RequestId);
        return false;
    }

    /// <summary>No more deliveries (at shutdown).</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}

/// <summary>
/// Drains <see cref="PushDeliveryQueue"/> off the request path with a few workers, each delivery in its own scope
/// (its own DbContext, to forget subscriptions the push service says are gone). Stops on shutdown: sends in flight
/// are cancelled, what is still queued is logged as not delivered.
/// </summary>
public sealed class PushDeliveryService(PushDeliveryQueue queue, IServiceScopeFactory scopes, ILogger<PushDeliveryService> logger) : BackgroundService
{
    /// <summary>Deliveries sent at once: one stalled push service does not hold up everyone else's.</summary>
    public const int Workers = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));
        }
        finally
        {
            queue.Complete();
            var left = 0;
            while (queue.Reader.TryRead(out _))
                left++;
            if (left > 0)
                PushLog.DeliveriesLeftAtShutdown(logger, left);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PushDeliverer>().DeliverAsync(delivery, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    PushLog.DeliveryCancelled(logger, delivery.RequestId);
                    return;
                }
                catch (Exception e)
                {
                    // One broken delivery must not stop the worker.
                    PushLog.DeliveryFailed(logger, delivery.RequestId, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}

/// <summary>Sends one queued delivery (in the worker's own scope).</summary>
public sealed class PushDeliverer(IdpDbContext db, PushDeviceCredentials credentials, IServiceProvider services, TimeProvider clock, IOptions<PushOptions> options, ILogger<PushDeliverer> logger)
{
    private PushOptions Options => options.Value;

    /// <summary>Web Push to every device of the user that gave a subscription; a subscription that is gone is forgotten.</summary>
    public async Task DeliverAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        if (services.GetService<IWebPushSender>() is not { } sender)
            return;
        // Decided or expired while queued: nothing to wake the device for.
        var now = clock.GetUtcNow();
        if (!await db.PushRequests.AnyAsync(r => r.Id == delivery.RequestId && r.State == PushRequestState.Pending && r.ExpiresAt > now, cancellationToken))
            return;
        var targets = await db.PushCredentials.AsNoTracking()
            .Where(c => c.SubjectId == delivery.SubjectId && c.SubscriptionEndpoint != null && c.SubscriptionP256dh != null && c.SubscriptionAuth != null)
            .ToListAsync(cancellationToken);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { type = "request", requestId = delivery.RequestId, portalName = delivery.PortalName });
        foreach (var target in targets)
        {
            try
            {
                var result = await sender.SendAsync(new WebPushSubscription(target.SubscriptionEndpoint!, target.SubscriptionP256dh!, target.SubscriptionAuth!), payload, Options.RequestLifetime, cancellationToken);
                if (result == WebPushResult.Gone)
                    await credentials.SetSubscriptionAsync(target, null, cancellationToken);
                PushLog.WebPushSent(logger, target.Id, result);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or CryptographicException
                || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                PushLog.WebPushFailed(logger, target.Id, e.GetType().Name);
            }
        }
    }
}
