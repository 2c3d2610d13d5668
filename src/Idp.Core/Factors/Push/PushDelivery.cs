using System.Security.Cryptography;
using System.Text.Json;
using Idp.Data;
using Idp.Data.Entities;
using Idp.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

/// <summary>A request whose devices are to be woken by Web Push (the payload of a <see cref="OutboxChannel.WebPush"/> outbox message).</summary>
public sealed record PushDelivery(string RequestId, string SubjectId, string PortalName);

/// <summary>
/// Web Push of push approval requests through the outbox: the message is written with the request, and given up
/// when the request expires (a wake-up for an expired request is useless).
/// </summary>
public static class PushDeliveryMessages
{
    public static OutboxMessage For(PushRequest request, DateTimeOffset now) => new()
    {
        Channel = OutboxChannel.WebPush,
        Recipient = request.SubjectId,
        Payload = JsonSerializer.Serialize(new PushDelivery(request.Id, request.SubjectId, request.PortalName)),
        CreatedAt = now,
        NextAttemptAt = now,
        GiveUpAt = request.ExpiresAt,
    };
}

/// <summary>
/// Sends one outbox Web Push message: to every device of the user that gave a subscription; a subscription that is
/// gone is forgotten. Throws (so the dispatcher retries) only when no device was reached and one failed.
/// </summary>
public sealed class PushDeliverer(IdpDbContext db, PushDeviceCredentials credentials, IServiceProvider services, TimeProvider clock, IOptions<PushOptions> options, ILogger<PushDeliverer> logger) : IOutboxDelivery
{
    private PushOptions Options => options.Value;

    public OutboxChannel Kind => OutboxChannel.WebPush;
    public bool IsEnabled => services.GetService<IWebPushSender>() is not null;

    public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        DeliverAsync(JsonSerializer.Deserialize<PushDelivery>(message.Payload ?? "null")
            ?? throw new InvalidOperationException("The Web Push message has no payload."), cancellationToken);

    public async Task DeliverAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        if (services.GetService<IWebPushSender>() is not { } sender)
            return;
        // Decided or expired while queued: nothing to wake the device for.
        var now = clock.GetUtcNow();
        var request = await db.PushRequests.AsNoTracking()
            .Where(r => r.Id == delivery.RequestId && r.State == PushRequestState.Pending && r.ExpiresAt > now)
            .Select(r => new { r.ExpiresAt }).FirstOrDefaultAsync(cancellationToken);
        if (request is null)
            return;
        var targets = await db.PushCredentials.AsNoTracking()
            .Where(c => c.SubjectId == delivery.SubjectId && c.SubscriptionEndpoint != null && c.SubscriptionP256dh != null && c.SubscriptionAuth != null)
            .ToListAsync(cancellationToken);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { type = "request", requestId = delivery.RequestId, portalName = delivery.PortalName });
        // The push service keeps the message only while the request can still be approved.
        var timeToLive = request.ExpiresAt - now < Options.RequestLifetime ? request.ExpiresAt - now : Options.RequestLifetime;
        var reached = 0;
        var failed = false;
        foreach (var target in targets)
        {
            try
            {
                var result = await sender.SendAsync(new WebPushSubscription(target.SubscriptionEndpoint!, target.SubscriptionP256dh!, target.SubscriptionAuth!), payload, timeToLive, cancellationToken);
                if (result == WebPushResult.Gone)
                    await credentials.SetSubscriptionAsync(target, null, cancellationToken);
                if (result == WebPushResult.Failed)
                    failed = true;
                else
                    reached++;
                PushLog.WebPushSent(logger, target.Id, result);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or CryptographicException
                || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                PushLog.WebPushFailed(logger, target.Id, e.GetType().Name);
                failed = true;
            }
        }
        if (reached == 0 && failed)
            throw new HttpRequestException("No device of the request was reached.");
    }
}
