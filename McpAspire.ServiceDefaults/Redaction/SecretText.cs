using System.Text.RegularExpressions;

// Shared as source: McpAspire.ServiceDefaults makes it public (SecretText.Public.cs), McpAspire.Hosting compiles the same
// file as an internal type, so the AppHost needs no reference to the service defaults.
namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>
/// Recognises and masks secrets in text destined for logs, spans and the dashboard: credentials after <c>Bearer</c> /
/// <c>Basic</c>, values of sensitive <c>name=value</c> pairs (query strings, connection strings such as
/// <c>password=…</c>), <c>"name":"value"</c> JSON pairs, and user-info in URLs. Text without any of the trigger characters
/// is returned as is without allocating.
/// </summary>
static partial class SecretText
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    // Sensitive when the whole (last dotted segment of the) name is one of these …
    private static readonly HashSet<string> s_exactNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "sig", "code", "auth", "pwd", "pass", "sas", "otp",
    };

    // … or contains one of these.
    private static readonly string[] s_nameFragments =
    [
        "password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "authorization", "cookie", "credential",
        "service-key", "service_key", "private_key", "signature", "client_assertion",
    ];

    private static readonly System.Buffers.SearchValues<char> s_triggers = System.Buffers.SearchValues.Create("=@:");

    /// <summary>
    /// True when an attribute, header, query parameter or configuration name denotes a secret (e.g. <c>authorization</c>,
    /// <c>http.request.header.x-api-key</c>, <c>access_token</c>, <c>code</c>, <c>sig</c>, <c>password</c>).
    /// </summary>
    public static bool IsSensitiveName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }
        // The last segment of a dotted attribute, a configuration path (':') or an environment name ('__').
        var start = name.LastIndexOfAny(['.', ':']) + 1;
        if (name.LastIndexOf("__", StringComparison.Ordinal) is >= 0 and var underscores)
        {
            start = Math.Max(start, underscores + 2);
        }
        var segment = start > 0 && start < name.Length ? name[start..] : name;
        if (s_exactNames.Contains(segment))
        {
            return true;
        }
        foreach (var fragment in s_nameFragments)
        {
            if (segment.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Masks every secret the patterns recognise; returns <paramref name="text"/> itself when there is none.</summary>
    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || (text.AsSpan().IndexOfAny(s_triggers) < 0 && !MayHoldScheme(text)))
        {
            return text;
        }
        var result = SchemeCredential().Replace(text, static m => m.Groups["scheme"].Value + " " + Mask);
        result = UserInfo().Replace(result, static m => m.Groups["scheme"].Value + Mask + "@");
        result = NameValue().Replace(result, static m => IsSensitiveName(m.Groups["name"].Value)
            ? m.Groups["name"].Value + m.Groups["sep"].Value + Mask
            : m.Value);
        result = JsonPair().Replace(result, static m => IsSensitiveName(m.Groups["name"].Value)
            ? m.Groups["head"].Value + Mask + "\""
            : m.Value);
        return string.Equals(result, text, StringComparison.Ordinal) ? text : result;
    }

    /// <summary>Masks the values of sensitive query parameters (and user-info) of a URL; other parameters stay readable.</summary>
    public static string RedactUrl(string url) => Redact(url);

    /// <summary>Replaces every occurrence of each known secret value (at least 8 characters) with the mask.</summary>
    public static string RedactValues(string text, IReadOnlyList<string> secrets)
    {
        if (string.IsNullOrEmpty(text) || secrets.Count == 0)
        {
            return text;
        }
        var result = text;
        foreach (var secret in secrets)
        {
            if (secret.Length >= 8 && result.Contains(secret, StringComparison.Ordinal))
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        return result;
    }

    private static bool MayHoldScheme(string text) =>
        text.Contains("earer ", StringComparison.OrdinalIgnoreCase) || text.Contains("asic ", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"(?<scheme>\b(?:[Bb]earer|[Bb]asic|BEARER|BASIC))\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.CultureInvariant)]
    private static partial Regex SchemeCredential();

    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s:@?#]+:[^/\s@?#]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    // name=value as in query strings, connection strings and key=value log text; the value ends at a separator.
    [GeneratedRegex(@"(?<name>[A-Za-z0-9_.\-]+)(?<sep>\s*=\s*)(?<value>""[^""]*""|'[^']*'|[^\s&,;""'<>\]}]+)", RegexOptions.CultureInvariant)]
    private static partial Regex NameValue();

    [GeneratedRegex(@"(?<head>""(?<name>[A-Za-z0-9_.\-]+)""\s*:\s*"")(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonPair();
}
