using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>
/// Wraps the application's <see cref="ILoggerFactory"/> so every logger masks secrets before any provider sees a log call:
/// the formatted message and structured values (<see cref="RedactedLogState"/>), scope values, and exceptions whose text
/// holds a secret. The framework logs full request URLs with their query string at Information ("Request starting …
/// ?access_token=…") and services may log connection strings in errors; none of that reaches a console, the AppHost's
/// log capture, the dashboard or an OTLP collector unmasked.
/// </summary>
public sealed class RedactingLoggerFactory : ILoggerFactory
{
    private readonly ILoggerFactory _inner;
    private readonly KnownSecrets _known;
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public RedactingLoggerFactory(ILoggerFactory inner, KnownSecrets known)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _known = known ?? throw new ArgumentNullException(nameof(known));
    }

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, self) => new RedactingLogger(self._inner.CreateLogger(name), self._known), this);

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, KnownSecrets known) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
        {
            string text => inner.BeginScope(Redact(text)),
            IReadOnlyList<KeyValuePair<string, object?>> values when RedactedLogState.RedactValues(values, known) is { } masked =>
                inner.BeginScope(new RedactedLogState(Redact(state.ToString() ?? ""), masked)),
            _ => inner.BeginScope(state),
        };

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            ArgumentNullException.ThrowIfNull(formatter);
            var message = formatter(state, exception);
            var redactedMessage = Redact(message);
            var maskedValues = state is IReadOnlyList<KeyValuePair<string, object?>> values ? RedactedLogState.RedactValues(values, known) : null;
            var maskedException = RedactException(exception);
            if (maskedValues is null && ReferenceEquals(redactedMessage, message) && ReferenceEquals(maskedException, exception))
            {
                // The common case: nothing secret, the original state goes through untouched.
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            var masked = new RedactedLogState(redactedMessage,
                maskedValues ?? (state as IReadOnlyList<KeyValuePair<string, object?>>)?.ToArray() ?? []);
            inner.Log(logLevel, eventId, masked, maskedException, static (s, _) => s.ToString());
        }

        private string Redact(string text) => known.Redact(SecretText.Redact(text));

        private Exception? RedactException(Exception? exception)
        {
            if (exception is null or RedactedException)
            {
                return exception;
            }
            var full = exception.ToString();
            var redacted = Redact(full);
            return string.Equals(redacted, full, StringComparison.Ordinal)
                ? exception
                : new RedactedException(exception.GetType().FullName ?? exception.GetType().Name, Redact(exception.Message), redacted);
        }
    }
}
