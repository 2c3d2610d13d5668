using System.Collections.Concurrent;

namespace Idp.IntegrationTests.Infrastructure;

/// <summary>One log line written by the application under test.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>
/// Keeps what the application logs, so a test can assert on it (for example that no secret is ever logged).
/// Replaces the console logger in tests: the output stays quiet and fast.
/// </summary>
public sealed class TestLogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every message and exception text, for "this secret never appears in a log" checks.</summary>
    public bool Contains(string text) =>
        _entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal) || (e.Exception?.ToString().Contains(text, StringComparison.Ordinal) ?? false));

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
