using System.Text.Json;
using Idp.Data;
using Idp.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Idp.Factors.Push;

/// <summary>
/// Server-sent events for the open app and for the waiting browser. Both poll the database every
/// <see cref="PushOptions.PollInterval"/> (default 1 s) instead of listening in memory: the request may be created
/// or decided on another node, and the database is the one place every node sees. A comment line every 15 s
/// keeps proxies from closing an idle stream.
/// </summary>
public sealed class PushEventStreams(IdpDbContext db, PushApprovals approvals, TimeProvider clock, IOptions<PushOptions> options)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The device's stream: an event <c>request</c> for every pending request (at once, then as they come), and
    /// <c>decided</c> when one it was told about is decided or expires. Ends when the caller goes away or the
    /// credential is removed.
    /// </summary>
    public async Task DeviceStreamAsync(HttpContext http, PushCredential credential, CancellationToken cancellationToken)
    {
        Start(http);
        var announced = new HashSet<string>();
        var lastWrite = DateTime.UtcNow;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await db.PushCredentials.AnyAsync(c => c.Id == credential.Id, cancellationToken))
                    return;
                var pending = await approvals.PendingAsync(credential.SubjectId, cancellationToken);
                foreach (var request in pending.Where(r => !announced.Contains(r.RequestId)))
                {
                    await WriteAsync(http, "request", request, cancellationToken);
                    announced.Add(request.RequestId);
                    lastWrite = DateTime.UtcNow;
                }
                foreach (var gone in announced.Where(id => pending.All(r => r.RequestId != id)).ToList())
                {
                    await WriteAsync(http, "decided", new { requestId = gone }, cancellationToken);
                    announced.Remove(gone);
                    lastWrite = DateTime.UtcNow;
                }
                if (DateTime.UtcNow - lastWrite > Heartbeat)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    lastWrite = DateTime.UtcNow;
                }
                await Task.Delay(options.Value.PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The app closed the stream.
        }
    }

    /// <summary>
    /// The waiting browser's stream: one event <c>decided</c> (<c>{"state":"approved"|"denied"|"wrong_number"|"expired"}</c>)
    /// once the request is no longer pending, then the stream ends and the page submits its form.
    /// </summary>
    public async Task BrowserStreamAsync(HttpContext http, PushRequest request, CancellationToken cancellationToken)
    {
        Start(http);
        var lastWrite = DateTime.UtcNow;
        // Past expiry the request counts as expired, whatever the clock of the browser says.
        var giveUpAt = DateTime.UtcNow + options.Value.RequestLifetime + TimeSpan.FromSeconds(30);
        try
        {
            while (!cancellationToken.IsCancellationRequested && DateTime.UtcNow < giveUpAt)
            {
                var current = await db.PushRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == request.Id, cancellationToken);
                var state = current is null ? "expired" : StateName(current);
                if (state != "pending")
                {
                    await WriteAsync(http, "decided", new { state }, cancellationToken);
                    return;
                }
                if (DateTime.UtcNow - lastWrite > Heartbeat)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    lastWrite = DateTime.UtcNow;
                }
                await Task.Delay(options.Value.PollInterval, cancellationToken);
            }
            await WriteAsync(http, "decided", new { state = "expired" }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    /// <summary>The request's state as the browser sees it.</summary>
    public string StateName(PushRequest request) => request.State switch
    {
        PushRequestState.Pending when request.ExpiresAt <= clock.GetUtcNow() => "expired",
        PushRequestState.Pending => "pending",
        PushRequestState.Approved => "approved",
        PushRequestState.Denied => "denied",
        PushRequestState.WrongNumber => "wrong_number",
        _ => "expired",
    };

    private static void Start(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static async Task WriteAsync(HttpContext http, string name, object data, CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
