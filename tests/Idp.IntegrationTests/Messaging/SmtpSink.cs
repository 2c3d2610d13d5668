using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Idp.IntegrationTests.Messaging;

/// <summary>
/// A minimal SMTP server on loopback that keeps every message it receives (plain SMTP, no TLS, no AUTH): enough for
/// MailKit's client. <see cref="StopAsync"/> and <see cref="Start"/> again on the same port play a mail server that
/// is down for a while.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;

    private SmtpSink(int port) => Port = port;

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Received => _received.ToArray();

    /// <summary>A running sink on a free port.</summary>
    public static SmtpSink StartNew() => new SmtpSink(FreePort()).Start();

    /// <summary>A sink on a free port that does not listen yet (the mail server is down).</summary>
    public static SmtpSink NotStarted() => new(FreePort());

    public SmtpSink Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync(_listener, _stop.Token);
        return this;
    }

    public async Task StopAsync()
    {
        if (_listener is null)
            return;
        await _stop!.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting!;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _listener = null;
        _stop.Dispose();
    }

    /// <summary>Waits (in real time) until at least <paramref name="count"/> messages have arrived.</summary>
    public async Task<IReadOnlyCollection<MimeMessage>> WaitForAsync(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (_received.Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The SMTP sink received {_received.Count} of {count} message(s).");
            await Task.Delay(50);
        }
        return Received;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            _ = Task.Run(() => ServeAsync(client, cancellationToken), cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink.localhost ESMTP");
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 sink.localhost");
                        break;
                    case "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(cancellationToken) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        using (var raw = new MemoryStream(Encoding.Latin1.GetBytes(data.ToString())))
                            _received.Enqueue(await MimeMessage.LoadAsync(raw, cancellationToken));
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the sink stops.
        }
    }
}
