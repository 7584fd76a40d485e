using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using McpAspire.Mcp.Filters;
using McpAspire.Mcp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Tests;

/// <summary><see cref="IMcpRequestFilter"/>: sees every client message before dispatch, in both eras and over legacy SSE, and can reject it.</summary>
public sealed class RequestFilterTests
{
    /// <summary>Rejects <c>tools/call</c> of a tool named <c>blocked</c> with 429; records what it saw.</summary>
    private sealed class BlockingFilter : IMcpRequestFilter
    {
        public ConcurrentQueue<(string Method, string? Tool, bool IsNotification)> Seen { get; } = new();

        public ValueTask<McpRequestRejection?> OnRequestAsync(McpRequestFilterContext context, CancellationToken cancellationToken)
        {
            var tool = context.Method == "tools/call" ? (string?)context.Params?["name"] : null;
            Seen.Enqueue((context.Method, tool, context.IsNotification));
            return ValueTask.FromResult(tool == "blocked"
                ? new McpRequestRejection
                {
                    StatusCode = 429,
                    ErrorCode = -32029,
                    Message = "too many",
                    Data = new JsonObject { ["retryAfterMs"] = 1200 },
                    RetryAfter = TimeSpan.FromMilliseconds(1200),
                }
                : null);
        }
    }

    private static async Task<(McpTestServer Server, BlockingFilter Filter)> StartAsync()
    {
        var filter = new BlockingFilter();
        var server = await McpTestServer.StartAsync(services: s => s.AddSingleton<IMcpRequestFilter>(filter));
        return (server, filter);
    }

    private static void AssertRejected(RawResponse response, long id)
    {
        Assert.Equal((HttpStatusCode)429, response.Status);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("Retry-After"))); // 1.2 s rounded up
        var message = Assert.Single(response.Messages);
        Assert.Equal(id, message.GetProperty("id").GetInt64());
        Assert.Equal(-32029, message.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(1200, message.GetProperty("error").GetProperty("data").GetProperty("retryAfterMs").GetInt32());
    }

    [Fact]
    public async Task A_2026_request_can_be_rejected_before_dispatch_and_others_pass()
    {
        var (server, filter) = await StartAsync();
        await using var _ = server;
        using var http = new HttpClient();

        static HttpRequestMessage Call(Uri uri, long id, string tool)
        {
            var request = RawMcp.Post(uri, $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{"message":"hi"},{{{RawMcp.Meta2026}}}}}""");
            request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
            request.Headers.Add("Mcp-Method", "tools/call");
            request.Headers.Add("Mcp-Name", tool);
            return request;
        }

        AssertRejected(await RawMcp.SendAsync(http, Call(server.McpUri, 7, "blocked")), 7);
        var ok = await RawMcp.SendAsync(http, Call(server.McpUri, 8, "echo"));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Null(ok.ErrorCode);
        Assert.Equal([("tools/call", "blocked", false), ("tools/call", "echo", false)], filter.Seen.ToArray());
    }

    [Fact]
    public async Task A_2025_session_request_can_be_rejected_and_the_session_goes_on()
    {
        var (server, filter) = await StartAsync();
        await using var _ = server;
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);

        var rejected = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"blocked","arguments":{}}}""", sessionId));
        AssertRejected(rejected, 5);
        var ok = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"echo","arguments":{"message":"still"}}}""", sessionId));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Contains("still", ok.Body, StringComparison.Ordinal);
        Assert.Equal(
            [("initialize", null, false), ("notifications/initialized", null, true), ("tools/call", "blocked", false), ("tools/call", "echo", false)],
            filter.Seen.ToArray());
    }

    [Fact]
    public async Task A_legacy_sse_message_can_be_rejected()
    {
        var (server, filter) = await StartAsync();
        await using var _ = server;
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(server.BaseAddress, "/sse"), TransportMode = HttpTransportMode.Sse });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2024-11-05" }, cancellationToken: cts.Token);

        var echoed = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "legacy" }, cancellationToken: cts.Token);
        Assert.Equal("legacy", Assert.IsType<TextContentBlock>(Assert.Single(echoed.Content)).Text);
        // The POST is answered 429, which the SDK's SSE transport reports as a failed send.
        await Assert.ThrowsAnyAsync<Exception>(() => client.CallToolAsync("blocked", cancellationToken: cts.Token).AsTask());
        Assert.False(cts.IsCancellationRequested, "the rejected call failed at once instead of waiting for a response");
        Assert.Contains(("tools/call", "blocked", false), filter.Seen);
    }

    [Fact]
    public async Task Without_filters_the_pipeline_lets_everything_through()
    {
        var pipeline = new McpRequestFilterPipeline([]);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        var result = pipeline.RejectAsync(context, new JsonRpcRequest { Method = "tools/call" }, "tools/call", null, default);
        Assert.True(result.IsCompletedSuccessfully);
        Assert.Null(await result);
        Assert.Equal(200, context.Response.StatusCode);
    }
}
