using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// 2026-07-28 stateless <c>tools/call</c> requests as a load generator sends them (as wrk would): the body serialised once
/// per caller, only the HTTP request built per call, so the figures measure the server and not a client library.
/// </summary>
public static class StatelessToolCalls
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    /// <summary>The JSON-RPC body of one stateless call of <paramref name="tool"/> with <paramref name="arguments"/>.</summary>
    public static byte[] Body(string tool, object arguments) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["jsonrpc"] = "2.0",
        ["id"] = 1,
        ["method"] = "tools/call",
        ["params"] = new Dictionary<string, object>
        {
            ["name"] = tool,
            ["arguments"] = arguments,
            ["_meta"] = new Dictionary<string, object>
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = new Dictionary<string, object>(),
                ["io.modelcontextprotocol/clientInfo"] = new Dictionary<string, string> { ["name"] = "bench", ["version"] = "1" },
            },
        },
    });

    /// <summary>A POST of <paramref name="body"/> to <paramref name="path"/> with the headers a 2026-07-28 call carries.</summary>
    public static HttpRequestMessage Request(string path, string tool, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
        request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/call");
        request.Headers.TryAddWithoutValidation("Mcp-Name", tool);
        return request;
    }

    /// <summary>Sends one call and returns the response body; throws unless it is a 200 without <c>isError</c>.</summary>
    public static async Task<string> CallAsync(HttpClient http, string path, string tool, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = Request(path, tool, body);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK || text.Contains("\"isError\":true", StringComparison.Ordinal) || text.Contains("\"error\":", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{tool} failed: {(int)response.StatusCode} {text}");
        }
        return text;
    }
}
