using System.Text;
using System.Text.Json;

namespace McpAspire.TestSupport.HostileInput;

/// <summary>
/// The malformed-request corpus (<c>MalformedRequests.json</c> beside this file: HTTP method, path, headers and body of
/// 90+ broken MCP requests) sent to an MCP server. Each case pins the HTTP status and JSON-RPC error code (null: the
/// answer carries none) that the tool host's endpoint (the SDK's plus our guards) gives, and the gateway's where it
/// differs (<c>gateway</c>); any other answer, a session opened by a case without a session id, a 5xx or a hang fails,
/// so a change in the SDK or a guard shows up case by case.
/// </summary>
public static class MalformedRequestCorpus
{
    /// <summary>The tool host's endpoint.</summary>
    public const string ToolHost = "toolhost";

    /// <summary>The gateway's front.</summary>
    public const string Gateway = "gateway";

    private sealed record Expected(int Status, int? Code);

    private sealed record Case(string Name, string Method, string Path, Dictionary<string, string> Headers, string? Body, int Status, int? Code, Expected? Gateway);

    /// <summary>The corpus cases' names (at least fifty, all different).</summary>
    public static IReadOnlyList<string> Names => [.. Load().Select(c => c.Name)];

    /// <summary>
    /// Sends every case to <paramref name="baseAddress"/> (<c>{session}</c> = <paramref name="session"/>) and compares the
    /// answers with the ones pinned for <paramref name="target"/> (<see cref="ToolHost"/> or <see cref="Gateway"/>);
    /// returns the failures, each naming the case, what was expected and what came.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient http, Uri baseAddress, string session, string target, Action<HttpRequestMessage>? authorize = null)
    {
        if (target is not (ToolHost or Gateway))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "toolhost or gateway");
        }
        ArgumentNullException.ThrowIfNull(http);
        var failures = new List<string>();
        foreach (var c in Load())
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), new Uri(baseAddress, c.Path));
            if (c.Body is not null)
            {
                var body = c.Body
                    .Replace("{deep}", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), StringComparison.Ordinal)
                    .Replace("{big}", new string('x', 100 * 1024), StringComparison.Ordinal);
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            }
            foreach (var (name, raw) in c.Headers)
            {
                var value = raw.Replace("{session}", session, StringComparison.Ordinal);
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
                else if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Host = value;
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
            authorize?.Invoke(request);
            var response = await RawMcp.SendAsync(http, request).ConfigureAwait(false);
            var status = (int)response.Status;
            var code = ErrorCode(response);
            var expected = target == Gateway && c.Gateway is { } g ? g : new Expected(c.Status, c.Code);
            if (status != expected.Status || code != expected.Code || status >= 500 || (!c.Headers.ContainsKey("Mcp-Session-Id") && response.SessionId is not null))
            {
                failures.Add($"{c.Name}: expected {expected.Status}/{Show(expected.Code)}, got {status}/{Show(code)} session={response.SessionId} {response.Body[..Math.Min(200, response.Body.Length)]}");
            }
        }
        return failures;
    }

    private static string Show(int? code) => code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    // The JSON-RPC code of the answer, or null when it carries none (problem+json, an empty body, a result).
    private static int? ErrorCode(RawResponse response)
    {
        try
        {
            return response.ErrorCode;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<Case> Load() =>
        JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(RepoPaths.Combine("tests", "McpAspire.TestSupport", "HostileInput", "MalformedRequests.json")),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
