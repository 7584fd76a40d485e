using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// A raw 2026-07-28 <c>subscriptions/listen</c> stream (the C# SDK client 2.4.0 has no API for it): opened with the
/// resource URIs to watch, acknowledged, then read for <c>notifications/resources/updated</c>.
/// </summary>
internal sealed class ListenStream : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private ListenStream(HttpClient http, HttpResponseMessage response, StreamReader reader, JsonElement acknowledged)
    {
        _http = http;
        _response = response;
        _reader = reader;
        Acknowledged = acknowledged;
    }

    /// <summary>The <c>notifications</c> the server granted.</summary>
    public JsonElement Acknowledged { get; }

    public static async Task<ListenStream> OpenAsync(Uri mcpUri, string[] resourceUris, CancellationToken cancellationToken)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["jsonrpc"] = "2.0",
            ["id"] = "listen-1",
            ["method"] = "subscriptions/listen",
            ["params"] = new Dictionary<string, object>
            {
                ["notifications"] = new { resourceSubscriptions = resourceUris },
                ["_meta"] = new Dictionary<string, object>
                {
                    ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                    ["io.modelcontextprotocol/clientCapabilities"] = new { },
                    ["io.modelcontextprotocol/clientInfo"] = new { name = "raw-listen", version = "1" },
                },
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, mcpUri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var ack = await NextAsync(reader, cancellationToken);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());
        return new ListenStream(http, response, reader, ack.GetProperty("params").GetProperty("notifications"));
    }

    /// <summary>Reads until a <c>notifications/resources/updated</c> for <paramref name="uri"/> arrives.</summary>
    public async Task WaitForUpdateAsync(string uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await NextAsync(_reader, cancellationToken);
            if (message.GetProperty("method").GetString() == "notifications/resources/updated"
                && message.GetProperty("params").GetProperty("uri").GetString() == uri)
            {
                Assert.Equal("listen-1", message.GetProperty("params").GetProperty("_meta").GetProperty("io.modelcontextprotocol/subscriptionId").GetString());
                return;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<JsonElement> NextAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 5)
            {
                using var doc = JsonDocument.Parse(line[5..]);
                return doc.RootElement.Clone();
            }
        }
        throw new InvalidOperationException("The listen stream ended.");
    }
}
