using System.Net.Http.Headers;
using System.Text;

namespace McpAspire.Bench.Scenarios;

/// <summary>2025-11-25 session requests as a load generator sends them: one initialize per caller, then calls on the session.</summary>
public static class SessionRequests
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly byte[] s_initialize = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""");
    private static readonly byte[] s_initialized = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");

    /// <summary>Opens a session on <paramref name="endpoint"/> (initialize, then notifications/initialized) and returns its id.</summary>
    public static async Task<string> InitializeAsync(HttpClient http, Uri endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var init = Post(endpoint, s_initialize, sessionId: null);
        using var response = await http.SendAsync(init, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var sessionId = response.Headers.GetValues("Mcp-Session-Id").First();
        using var initialized = Post(endpoint, s_initialized, sessionId);
        using var ack = await http.SendAsync(initialized, cancellationToken).ConfigureAwait(false);
        ack.EnsureSuccessStatusCode();
        return sessionId;
    }

    /// <summary>A POST of <paramref name="body"/> on the session (or before one exists, when <paramref name="sessionId"/> is null).</summary>
    public static HttpRequestMessage Post(Uri endpoint, byte[] body, string? sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }
        return request;
    }
}
