using System.Collections;

namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>
/// A log call's state with secrets masked: the formatted message, and every structured value (a sensitive name masks the
/// whole value). Providers that read structured values (OpenTelemetry, JSON console) and those that only format
/// (console, debug) both see masked text.
/// </summary>
internal sealed class RedactedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;
    private readonly string _message;

    public RedactedLogState(string message, KeyValuePair<string, object?>[] values)
    {
        _message = message;
        _values = values;
    }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <summary>Masks the values of a structured state; null when nothing needed masking.</summary>
    public static KeyValuePair<string, object?>[]? RedactValues(IReadOnlyList<KeyValuePair<string, object?>> values, KnownSecrets known)
    {
        KeyValuePair<string, object?>[]? copy = null;
        for (var i = 0; i < values.Count; i++)
        {
            var (key, value) = values[i];
            if (key == "{OriginalFormat}" || value is null)
            {
                continue;
            }
            // Values are often not strings (a QueryString, a Uri, a PathString): judge them by their text.
            var text = value as string ?? (value is IFormattable or ValueType ? null : value.ToString());
            if (text is null)
            {
                continue;
            }
            var redacted = SecretText.IsSensitiveName(key) ? SecretText.Mask : known.Redact(SecretText.Redact(text));
            if (!string.Equals(redacted, text, StringComparison.Ordinal))
            {
                copy ??= [.. values];
                copy[i] = new(key, redacted);
            }
        }
        return copy;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _message;
}
