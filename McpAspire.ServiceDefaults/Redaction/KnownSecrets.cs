using Microsoft.Extensions.Configuration;

namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>
/// The secret values this process was given, gathered once from configuration so they can be masked wherever they show
/// up verbatim, whatever the surrounding text: the service keys (<c>ServiceAuth:*</c>), passwords in connection strings
/// (<c>ConnectionStrings:*</c>), and the OTLP header values (the dashboard's API key).
/// </summary>
public sealed class KnownSecrets
{
    /// <summary>The values, longest first so a secret containing another is masked whole.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Creates the set from explicit values (blank and short ones dropped).</summary>
    public KnownSecrets(IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = [.. values.Where(v => v is { Length: >= 8 }).Select(v => v!).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
    }

    /// <summary>Reads the secrets of an McpAspire service's configuration.</summary>
    public static KnownSecrets FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new List<string?> { configuration["ServiceAuth:Key"] };
        values.AddRange(configuration.GetSection("ServiceAuth:PreviousKeys").GetChildren().Select(c => c.Value));
        foreach (var connection in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            values.AddRange(PasswordsIn(connection.Value));
        }
        if (configuration["OTEL_EXPORTER_OTLP_HEADERS"] is { Length: > 0 } headers)
        {
            foreach (var pair in headers.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                values.Add(eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Trim()) : null);
            }
        }
        return new KnownSecrets(values);
    }

    /// <summary>Masks every known value in <paramref name="text"/>.</summary>
    public string Redact(string text) => SecretText.RedactValues(text, Values);

    private static IEnumerable<string> PasswordsIn(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            yield break;
        }
        if (Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            var info = Uri.UnescapeDataString(uri.UserInfo);
            yield return info.Contains(':', StringComparison.Ordinal) ? info[(info.IndexOf(':', StringComparison.Ordinal) + 1)..] : info;
            yield break;
        }
        foreach (var part in connectionString.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && SecretText.IsSensitiveName(part[..eq].Trim()))
            {
                yield return part[(eq + 1)..].Trim();
            }
        }
    }
}
