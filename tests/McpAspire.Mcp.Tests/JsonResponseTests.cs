using System.Net;
using McpAspire.Mcp.Tests.Infrastructure;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Tests;

/// <summary>With JsonResponses on, a lone result is answered as application/json and anything streamed stays SSE.</summary>
public sealed class JsonResponseTests
{
    [Fact]
    public async Task Lone_result_is_json_and_progress_switches_to_sse()
    {
        await using var server = await McpTestServer.StartAsync(o => o.JsonResponses = true);
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);

        var echo = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"json please"}}}""", sessionId));
        Assert.Equal(HttpStatusCode.OK, echo.Status);
        Assert.Equal("application/json", echo.ContentType);
        var message = Assert.Single(echo.Messages);
        Assert.Equal("json please", message.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());

        var streamed = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"progress","arguments":{},"_meta":{"progressToken":1}}}""", sessionId));
        Assert.Equal("text/event-stream", streamed.ContentType);
        Assert.Equal(3, streamed.Messages.Count());
        Assert.NotNull(streamed.Events.First().Id); // the priming event survives the switch, so the stream stays resumable
    }

    [Fact]
    public async Task Stateless_2026_request_gets_json_and_sdk_clients_of_both_eras_accept_it()
    {
        await using var server = await McpTestServer.StartAsync(o => o.JsonResponses = true);
        using var http = new HttpClient();
        var request = RawMcp.Post(server.McpUri, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{" + RawMcp.Meta2026 + "}}");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");
        var list = await RawMcp.SendAsync(http, request);
        Assert.Equal("application/json", list.ContentType);
        Assert.Equal("complete", Assert.Single(list.Messages).GetProperty("result").GetProperty("resultType").GetString());

        foreach (var version in new string?[] { null, "2025-11-25" })
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.McpUri, TransportMode = HttpTransportMode.StreamableHttp }),
                new McpClientOptions { ProtocolVersion = version }, cancellationToken: cts.Token);
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "both" }, cancellationToken: cts.Token);
            Assert.Equal("both", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        }
    }
}
