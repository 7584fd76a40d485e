using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpAspire.TestSupport;

/// <summary>
/// A real <see cref="ILoggerProvider"/> that keeps every formatted line, its structured values, its exception and its
/// scopes as text, so a test can assert what a service would have written to any log sink.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Everything logged so far, one entry per log call.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>All lines joined, for substring assertions.</summary>
    public string Text => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder()
                .Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (k, v) in values)
                {
                    line.Append(" | ").Append(k).Append('=').Append(v);
                }
            }
            owner._scopes.ForEachScope((scope, sb) => sb.Append(" | scope ").Append(scope is IEnumerable<KeyValuePair<string, object?>> kv
                ? string.Join(", ", kv.Select(p => $"{p.Key}={p.Value}")) : scope), line);
            if (exception is not null)
            {
                line.Append(" | exception ").Append(exception);
            }
            owner._lines.Enqueue(line.ToString());
        }
    }
}
