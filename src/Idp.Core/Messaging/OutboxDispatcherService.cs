using Microsoft.Extensions.Options;

namespace Idp.Messaging;

/// <summary>Wakes the local dispatcher when this node has written a message, so it need not wait for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits until <see cref="Notify"/> or until <paramref name="interval"/> has passed on <paramref name="clock"/>.</summary>
    public async Task WaitAsync(TimeSpan interval, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(Task.Delay(interval, clock, stop.Token), _signal.WaitAsync(stop.Token));
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>Runs <see cref="OutboxDispatcher"/> on every Idp node: at once, then every poll interval or when this node wrote a message.</summary>
internal sealed partial class OutboxDispatcherService(
    OutboxDispatcher dispatcher,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<EmailOptions> options,
    ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dispatcher.DispatchDueAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The database was unreachable, say: the messages stay due and the next round tries again.
                LogRoundFailed(exception);
            }
            try
            {
                await signal.WaitAsync(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2194, Level = LogLevel.Error, Message = "The outbox dispatcher's round failed; it tries again at the next poll")]
    private partial void LogRoundFailed(Exception exception);
}
