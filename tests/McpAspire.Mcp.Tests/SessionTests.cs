using System.Net;
using McpAspire.Mcp.Events;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Tests;

/// <summary>2025-era sessions: DELETE, 404 after it, one GET stream, and a session served by another replica.</summary>
public sealed class SessionTests
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":7,"method":"tools/list"}""";

    [Fact]
    public async Task Deleted_session_answers_404()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);

        var ok = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, ToolsList, sessionId));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Contains(ok.Messages, m => m.TryGetProperty("result", out var r) && r.GetProperty("tools").GetArrayLength() > 0);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, server.McpUri);
        delete.Headers.Add("Mcp-Session-Id", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await RawMcp.SendAsync(http, delete)).Status);

        var gone = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, ToolsList, sessionId));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal(-32001, gone.ErrorCode);
    }

    [Fact]
    public async Task Second_get_stream_of_a_session_gets_409_until_the_first_closes()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);

        using var first = Get(server.McpUri, sessionId);
        using var firstResponse = await http.SendAsync(first, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("text/event-stream", firstResponse.Content.Headers.ContentType?.MediaType);

        var second = await RawMcp.SendAsync(http, Get(server.McpUri, sessionId));
        Assert.Equal(HttpStatusCode.Conflict, second.Status);

        firstResponse.Dispose();
        // The server notices the closed stream asynchronously; a third GET succeeds once it has.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            using var third = await http.SendAsync(Get(server.McpUri, sessionId), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (third.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
            await Task.Delay(50, cts.Token);
        }
    }

    [Fact]
    public async Task Session_created_on_one_replica_is_served_and_deleted_by_another()
    {
        // Two endpoints sharing one session store and one event store stand for two gateway replicas.
        var shared = Options.Create(new McpEndpointOptions { SessionTouchInterval = TimeSpan.Zero });
        var sessions = new InMemoryMcpSessionStore(shared, TimeProvider.System);
        var events = new InMemoryMcpEventStore(shared);
        void Share(IServiceCollection s)
        {
            s.AddSingleton<IMcpSessionStore>(sessions);
            s.AddSingleton<IMcpEventStore>(events);
        }
        await using var a = await McpTestServer.StartAsync(o => o.SessionTouchInterval = TimeSpan.Zero, Share);
        await using var b = await McpTestServer.StartAsync(o => o.SessionTouchInterval = TimeSpan.Zero, Share);
        using var http = new HttpClient();

        var sessionId = await RawMcp.InitializeAsync(http, a.McpUri);
        var onB = await RawMcp.SendAsync(http, RawMcp.Post(b.McpUri, """{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"message":"from b"}}}""", sessionId));
        Assert.Equal(HttpStatusCode.OK, onB.Status);
        Assert.Equal(sessionId, onB.SessionId);
        var text = onB.Messages.Single(m => m.TryGetProperty("result", out _)).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
        Assert.Equal("from b", text);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, b.McpUri);
        delete.Headers.Add("Mcp-Session-Id", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await RawMcp.SendAsync(http, delete)).Status);

        // Replica A still holds a live server for the session, but the record is gone: 404 there too.
        var onA = await RawMcp.SendAsync(http, RawMcp.Post(a.McpUri, ToolsList, sessionId));
        Assert.Equal(HttpStatusCode.NotFound, onA.Status);
    }

    [Fact]
    public async Task Get_stream_delivers_unsolicited_list_changed_and_can_be_resumed()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);
        using var response = await http.SendAsync(Get(server.McpUri, sessionId), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var tools = server.Service<Microsoft.Extensions.Options.IOptions<ModelContextProtocol.Server.McpServerOptions>>().Value.ToolCollection!;
        tools.Add(ModelContextProtocol.Server.McpServerTool.Create(() => "x", new ModelContextProtocol.Server.McpServerToolCreateOptions { Name = "late_tool" }));
        var (eventId, data) = await NextDataEventAsync(reader, timeout.Token);
        Assert.Contains("notifications/tools/list_changed", data, StringComparison.Ordinal);
        Assert.StartsWith(sessionId + ".", eventId, StringComparison.Ordinal);

        tools.Add(ModelContextProtocol.Server.McpServerTool.Create(() => "y", new ModelContextProtocol.Server.McpServerToolCreateOptions { Name = "later_tool" }));
        var (secondId, _) = await NextDataEventAsync(reader, timeout.Token);
        response.Dispose();

        // Resuming the GET stream after the first event replays the second one.
        using var resume = await http.SendAsync(Get(server.McpUri, sessionId, eventId), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        using var resumed = new StreamReader(await resume.Content.ReadAsStreamAsync(timeout.Token));
        var (replayedId, replayed) = await NextDataEventAsync(resumed, timeout.Token);
        Assert.Equal(secondId, replayedId);
        Assert.Contains("notifications/tools/list_changed", replayed, StringComparison.Ordinal);
    }

    private static async Task<(string? Id, string Data)> NextDataEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? id = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("stream ended");
            if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
            {
                // The SDK writes data before id; read to the end of the event for the id.
                var data = line[5..].Trim();
                while ((line = await reader.ReadLineAsync(cancellationToken)) is { Length: > 0 })
                {
                    if (line.StartsWith("id:", StringComparison.Ordinal))
                    {
                        id = line[3..].Trim();
                    }
                }
                return (id, data);
            }
        }
    }

    internal static HttpRequestMessage Get(Uri uri, string sessionId, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Mcp-Session-Id", sessionId);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        return request;
    }
}
