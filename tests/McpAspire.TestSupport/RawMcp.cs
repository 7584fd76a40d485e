using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpAspire.TestSupport;

/// <summary>One HTTP exchange with the endpoint: status, headers and the JSON-RPC messages of the body (JSON or SSE).</summary>
public sealed record RawResponse(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, string Body, IReadOnlyList<SseEvent> Events)
{
    public IEnumerable<JsonElement> Messages =>
        ContentType == "application/json"
            ? [JsonDocument.Parse(Body).RootElement]
            : Events.Where(e => e.Data.Length > 0).Select(e => JsonDocument.Parse(e.Data).RootElement);

    /// <summary>The JSON-RPC error code of the first message carrying one, or null.</summary>
    public int? ErrorCode => Messages.Where(m => m.TryGetProperty("error", out _)).Select(m => (int?)m.GetProperty("error").GetProperty("code").GetInt32()).FirstOrDefault();

    public string? SessionId => Headers.TryGetValues("Mcp-Session-Id", out var v) ? v.First() : null;
}

public sealed record SseEvent(string? Id, string? Event, string Data, int? Retry);

/// <summary>Hand-made HTTP requests to the MCP endpoint, for what SDK clients never send.</summary>
public static class RawMcp
{
    public const string InitializeBody = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    public const string Meta2026 = """
        "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}
        """;

    public static HttpRequestMessage Post(Uri uri, string body, string? sessionId = null, string accept = "application/json, text/event-stream", string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType);
        if (accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }
        return request;
    }

    public static async Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await client.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        return new RawResponse(response.StatusCode, response.Headers, contentType, body, contentType == "text/event-stream" ? ParseSse(body) : []);
    }

    public static async Task<string> InitializeAsync(HttpClient client, Uri uri)
    {
        var init = await SendAsync(client, Post(uri, InitializeBody));
        Assert.Equal(HttpStatusCode.OK, init.Status);
        var sessionId = init.SessionId ?? throw new InvalidOperationException("initialize returned no session id: " + init.Body);
        var initialized = await SendAsync(client, Post(uri, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId));
        Assert.Equal(HttpStatusCode.Accepted, initialized.Status);
        return sessionId;
    }

    public static List<SseEvent> ParseSse(string text)
    {
        var events = new List<SseEvent>();
        string? id = null, type = null;
        int? retry = null;
        var data = new StringBuilder();
        var any = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (any)
                {
                    events.Add(new SseEvent(id, type, data.ToString(), retry));
                }
                id = type = null;
                retry = null;
                data.Clear();
                any = false;
                continue;
            }
            any = true;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "retry": retry = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }
                    data.Append(value);
                    break;
            }
        }
        if (any)
        {
            events.Add(new SseEvent(id, type, data.ToString(), retry));
        }
        return events;
    }
}
