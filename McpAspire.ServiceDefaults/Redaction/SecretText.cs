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

    private static readonly System.Buffers.SearchValues<string> s_fragmentSearch = System.Buffers.SearchValues.Create(s_nameFragments, StringComparison.OrdinalIgnoreCase);

    private static readonly System.Buffers.SearchValues<char> s_triggers = System.Buffers.SearchValues.Create("=@:");

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_exactLookup = s_exactNames.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// True when an attribute, header, query parameter or configuration name denotes a secret (e.g. <c>authorization</c>,
    /// <c>http.request.header.x-api-key</c>, <c>access_token</c>, <c>code</c>, <c>sig</c>, <c>password</c>).
    /// </summary>
    public static bool IsSensitiveName(string? name) => name is { Length: > 0 } && IsSensitiveName(name.AsSpan());

    /// <summary>Span form of <see cref="IsSensitiveName(string?)"/>, allocation-free.</summary>
    public static bool IsSensitiveName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }
        // The last segment of a dotted attribute, a configuration path (':') or an environment name ('__').
        var start = name.LastIndexOfAny('.', ':') + 1;
        if (name.LastIndexOf("__", StringComparison.Ordinal) is >= 0 and var underscores)
        {
            start = Math.Max(start, underscores + 2);
        }
        var segment = start > 0 && start < name.Length ? name[start..] : name;
        if (s_exactLookup.Contains(segment))
        {
            return true;
        }
        return segment.IndexOfAny(s_fragmentSearch) >= 0;
    }

    /// <summary>Masks every secret the patterns recognise; returns <paramref name="text"/> itself when there is none.</summary>
    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || (text.AsSpan().IndexOfAny(s_triggers) < 0 && !MayHoldScheme(text)))
        {
            return text;
        }
        var result = text;
        // Each pattern runs only when its trigger is present, and name=value / JSON pairs are first scanned without
        // allocating: the common log line (a URL with ordinary query parameters) costs a scan, not a rewrite.
        if (MayHoldScheme(result))
        {
            result = SchemeCredential().Replace(result, static m => m.Groups["scheme"].Value + " " + Mask);
        }
        if (result.Contains('@') && result.Contains("://", StringComparison.Ordinal))
        {
            result = UserInfo().Replace(result, static m => m.Groups["scheme"].Value + Mask + "@");
        }
        if (result.Contains('=') && HasSensitivePair(result, '='))
        {
            result = NameValue().Replace(result, static m => IsSensitiveName(m.Groups["name"].ValueSpan)
                ? m.Groups["name"].Value + m.Groups["sep"].Value + Mask
                : m.Value);
        }
        if (result.Contains('"') && result.Contains(':') && HasSensitivePair(result, ':'))
        {
            result = JsonPair().Replace(result, static m => IsSensitiveName(m.Groups["name"].ValueSpan)
                ? m.Groups["head"].Value + Mask + "\""
                : m.Value);
        }
        return string.Equals(result, text, StringComparison.Ordinal) ? text : result;
    }

    // True when some "name=" (or "\"name\":") in the text has a sensitive name: a linear scan from each separator
    // backwards over the name, no regex and no allocation.
    private static bool HasSensitivePair(string text, char separator)
    {
        var span = text.AsSpan();
        for (var at = span.IndexOf(separator); at >= 0; at = NextIndex(span, separator, at))
        {
            var end = at;
            while (end > 0 && char.IsWhiteSpace(span[end - 1]))
            {
                end--;
            }
            var quoted = separator == ':';
            if (quoted)
            {
                if (end == 0 || span[end - 1] != '"')
                {
                    continue;
                }
                end--;
            }
            var begin = end;
            while (begin > 0 && IsNameChar(span[begin - 1]))
            {
                begin--;
            }
            if (begin == end || (quoted && (begin == 0 || span[begin - 1] != '"')))
            {
                continue;
            }
            // Idempotent: an already masked value (another exporter's processor got there first) is left alone.
            var value = span[(at + 1)..].TrimStart().TrimStart('"');
            if (!value.StartsWith(Mask, StringComparison.Ordinal) && IsSensitiveName(span[begin..end]))
            {
                return true;
            }
        }
        return false;
    }

    private static int NextIndex(ReadOnlySpan<char> span, char separator, int previous)
    {
        var next = span[(previous + 1)..].IndexOf(separator);
        return next < 0 ? -1 : previous + 1 + next;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

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
    [GeneratedRegex(@"(?<name>[A-Za-z0-9_.\-]+)(?<sep>\s*=\s*)(?<value>\[redacted\]|""[^""]*""|'[^']*'|[^\s&,;""'<>\]}]+)", RegexOptions.CultureInvariant)]
    private static partial Regex NameValue();

    [GeneratedRegex(@"(?<head>""(?<name>[A-Za-z0-9_.\-]+)""\s*:\s*"")(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonPair();
}
