using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MailFilter.Integration.Tests;

/// <summary>Collects log lines in memory so tests can check what an admin would read.</summary>
public sealed class TestLog : ILoggerProvider
{
    public TestLog()
    {
        Factory = LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Debug));
    }

    public ILoggerFactory Factory { get; }

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.Message)}");
    }
}
