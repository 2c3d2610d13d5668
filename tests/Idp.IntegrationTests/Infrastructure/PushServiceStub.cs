using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>
/// A push service (RFC 8030) on a loopback port: <c>POST /push/{id}</c> records the request and answers
/// <see cref="StatusCode"/> (201 by default). Tests check what arrived with <see cref="Idp.Testing.WebPushReceiver"/>.
/// </summary>
public sealed class PushServiceStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PushServiceStub(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedPush> Received { get; } = new();

    /// <summary>What the next pushes are answered with (201 Created; 410 Gone for an expired subscription …).</summary>
    public int StatusCode { get; set; } = StatusCodes.Status201Created;

    /// <summary>
    /// While set and not completed, pushes stall: the stub neither records nor answers them (a slow push service).
    /// Complete it to let them through.
    /// </summary>
    public TaskCompletionSource? Stall { get; set; }

    public Uri BaseAddress { get; private set; } = null!;

    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public string EndpointFor(string id) => new Uri(BaseAddress, $"/push/{id}").ToString();

    public static async Task<PushServiceStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new PushServiceStub(app);
        app.MapPost("/push/{id}", async (string id, HttpRequest request) =>
        {
            if (stub.Stall is { } stall)
                await stall.Task.WaitAsync(request.HttpContext.RequestAborted);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            stub.Received.Enqueue(new ReceivedPush(
                id,
                request.Headers.Authorization.ToString(),
                request.Headers["TTL"].ToString(),
                request.Headers["Urgency"].ToString(),
                request.Headers.ContentEncoding.ToString(),
                request.ContentType,
                body.ToArray()));
            return Results.StatusCode(stub.StatusCode);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        stub.BaseAddress = new Uri(address);
        return stub;
    }

    /// <summary>Waits until a push for <paramref name="id"/> arrives (pushes are sent after the response, so they may lag).</summary>
    public async Task<ReceivedPush> WaitForAsync(string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var match = Received.FirstOrDefault(p => p.Id == id);
            if (match is not null)
                return match;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No push for {id} arrived at the push service.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedPush(string Id, string Authorization, string Ttl, string Urgency, string ContentEncoding, string? ContentType, byte[] Body);
