using System.Diagnostics;
using OpenTelemetry;

namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>
/// Masks secrets in every finished span before an exporter sees it: string attributes with a sensitive name
/// (<c>http.request.header.authorization</c>, <c>…api_key</c>) entirely, sensitive query values in URL attributes
/// (<c>url.full</c>, <c>url.query</c>, <c>http.url</c>, <c>http.target</c>), <c>Bearer …</c> and <c>password=…</c> anywhere,
/// and the process's known secret values verbatim; also the status description. Registered ahead of the exporter.
/// </summary>
public sealed class RedactingActivityProcessor : BaseProcessor<Activity>
{
    private readonly KnownSecrets _known;

    /// <summary>Creates the processor.</summary>
    public RedactingActivityProcessor(KnownSecrets known)
    {
        _known = known ?? throw new ArgumentNullException(nameof(known));
    }

    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        List<KeyValuePair<string, string>>? changes = null;
        foreach (var tag in data.TagObjects)
        {
            if (tag.Value is not string value || value.Length == 0)
            {
                continue;
            }
            var redacted = SecretText.IsSensitiveName(tag.Key) ? SecretText.Mask : _known.Redact(SecretText.Redact(value));
            if (!ReferenceEquals(redacted, value) && !string.Equals(redacted, value, StringComparison.Ordinal))
            {
                (changes ??= []).Add(new(tag.Key, redacted));
            }
        }
        if (changes is not null)
        {
            // Not inside the enumeration: SetTag changes the collection being enumerated.
            foreach (var (key, value) in changes)
            {
                data.SetTag(key, value);
            }
        }
        if (data.StatusDescription is { Length: > 0 } description)
        {
            var redacted = _known.Redact(SecretText.Redact(description));
            if (!string.Equals(redacted, description, StringComparison.Ordinal))
            {
                data.SetStatus(data.Status, redacted);
            }
        }
    }
}
