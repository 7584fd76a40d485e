using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary><c>tools/list</c> through every page (following <c>nextCursor</c>), as a 2026-07-28 request or on a 2025-11-25 session.</summary>
public static class ToolListing
{
    private const string Meta2026 = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}";
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    /// <summary>Lists every tool; returns how many. <paramref name="sessionId"/> null: 2026-07-28 (stateless).</summary>
    public static async Task<int> ListAllAsync(HttpClient http, Uri mcp, string? sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var count = 0;
        string? cursor = null;
        do
        {
            var cursorJson = cursor is null ? "" : $"\"cursor\":{JsonSerializer.Serialize(cursor)}";
            var paramsJson = sessionId is null ? "{" + cursorJson + (cursor is null ? "" : ",") + Meta2026 + "}" : "{" + cursorJson + "}";
            var body = Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{{paramsJson}}}""");
            using var request = sessionId is null ? new HttpRequestMessage(HttpMethod.Post, mcp) { Content = new ByteArrayContent(body) } : SessionRequests.Post(mcp, body, sessionId);
            request.Content!.Headers.ContentType = s_json;
            if (sessionId is null)
            {
                request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
                request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
                request.Headers.TryAddWithoutValidation("Mcp-Method", "tools/list");
            }
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(Payload(text));
            if (!response.IsSuccessStatusCode || !json.RootElement.TryGetProperty("result", out var result))
            {
                throw new InvalidOperationException($"tools/list answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 400)]}");
            }
            count += result.GetProperty("tools").GetArrayLength();
            cursor = result.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return count;
    }

    /// <summary>The JSON of a JSON body, or of the last <c>data:</c> line of an SSE body.</summary>
    private static string Payload(string text)
    {
        if (text.StartsWith('{'))
        {
            return text;
        }
        var data = text.Split('\n').LastOrDefault(l => l.StartsWith("data: {", StringComparison.Ordinal) || l.StartsWith("data:{", StringComparison.Ordinal));
        return data is null ? "{}" : data[(data.IndexOf('{', StringComparison.Ordinal))..];
    }
}
