using OpenTelemetry;
using OpenTelemetry.Logs;

namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>
/// Masks secrets in every log record before the OTLP exporter sees it: the formatted message, the template's string
/// arguments (sensitive names entirely), and an exception whose text holds a secret (replaced by a
/// <see cref="RedactedException"/> carrying the masked type, message and stack trace).
/// </summary>
public sealed class RedactingLogProcessor : BaseProcessor<LogRecord>
{
    private readonly KnownSecrets _known;

    /// <summary>Creates the processor.</summary>
    public RedactingLogProcessor(KnownSecrets known)
    {
        _known = known ?? throw new ArgumentNullException(nameof(known));
    }

    /// <inheritdoc />
    public override void OnEnd(LogRecord data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FormattedMessage is { } message)
        {
            data.FormattedMessage = Redact(message);
        }
        if (data.Body is { } body)
        {
            data.Body = Redact(body);
        }
        if (data.Attributes is { Count: > 0 } attributes)
        {
            List<KeyValuePair<string, object?>>? copy = null;
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                if (value is not string text || key == "{OriginalFormat}")
                {
                    continue;
                }
                var redacted = SecretText.IsSensitiveName(key) ? SecretText.Mask : Redact(text);
                if (!string.Equals(redacted, text, StringComparison.Ordinal))
                {
                    copy ??= [.. attributes];
                    copy[i] = new(key, redacted);
                }
            }
            if (copy is not null)
            {
                data.Attributes = copy;
            }
        }
        if (data.Exception is { } exception and not RedactedException)
        {
            var full = exception.ToString();
            var redacted = Redact(full);
            if (!string.Equals(redacted, full, StringComparison.Ordinal))
            {
                data.Exception = new RedactedException(exception.GetType().FullName ?? exception.GetType().Name, Redact(exception.Message), redacted);
            }
        }
    }

    private string Redact(string text) => _known.Redact(SecretText.Redact(text));
}
