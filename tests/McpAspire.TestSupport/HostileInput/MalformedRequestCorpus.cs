using System.Text;
using System.Text.Json;

namespace McpAspire.TestSupport.HostileInput;

/// <summary>
/// The malformed-request corpus (<c>MalformedRequests.json</c> beside this file: HTTP method, path, headers and body of
/// 90+ broken MCP requests, with the status and JSON-RPC code the reference endpoint answered) sent to an MCP server.
/// Every case must get a 4xx or a JSON-RPC error — never a 5xx or a hang — and no case without a session id may open
/// a session. Used for the tool host and the gateway, both on the SDK's endpoint.
/// </summary>
public static class MalformedRequestCorpus
{
    private sealed record Case(string Name, string Method, string Path, Dictionary<string, string> Headers, string? Body, int Status, int Code);

    /// <summary>The corpus cases' names (at least fifty, all different).</summary>
    public static IReadOnlyList<string> Names => [.. Load().Select(c => c.Name)];

    /// <summary>Sends every case to <paramref name="baseAddress"/> (<c>{session}</c> = <paramref name="session"/>); returns the failures.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient http, Uri baseAddress, string session, Action<HttpRequestMessage>? authorize = null)
    {
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
            // A DELETE of a session that does not exist is idempotent on the SDK (2xx, nothing revealed).
            var ok = status is >= 400 and < 500 || (status == 200 && response.ErrorCode is not null) || (c.Name == "DELETE unknown session" && status is >= 200 and < 300);
            if (!ok || (!c.Headers.ContainsKey("Mcp-Session-Id") && response.SessionId is not null))
            {
                failures.Add($"{c.Name}: {status} session={response.SessionId} {response.Body[..Math.Min(200, response.Body.Length)]}");
            }
        }
        return failures;
    }

    private static List<Case> Load() =>
        JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(RepoPaths.Combine("tests", "McpAspire.TestSupport", "HostileInput", "MalformedRequests.json")),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
