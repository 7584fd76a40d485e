using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using McpAspire.Mcp.Telemetry;
using McpAspire.Mcp.Tests.Infrastructure;

namespace McpAspire.Mcp.Tests;

/// <summary>2026-07-28 specifics on the wire: server/discover, resultType, cache hints, and _meta trace context.</summary>
public sealed class StatelessTests
{
    private static HttpRequestMessage Request2026(Uri uri, string method, string extraParams = "", string? name = null)
    {
        var request = RawMcp.Post(uri, "{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"" + method + "\",\"params\":{" + extraParams + RawMcp.Meta2026 + "}}");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        if (name is not null)
        {
            request.Headers.Add("Mcp-Name", name);
        }
        return request;
    }

    [Fact]
    public async Task Server_discover_lists_2026_and_needs_no_session()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var response = await RawMcp.SendAsync(http, Request2026(server.McpUri, "server/discover"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.SessionId);
        var result = Assert.Single(response.Messages).GetProperty("result");
        Assert.Contains("2026-07-28", result.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.True(result.GetProperty("capabilities").TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task List_results_carry_the_configured_cache_hints()
    {
        await using var server = await McpTestServer.StartAsync(o =>
        {
            o.ListResultTimeToLive = TimeSpan.FromSeconds(30);
            o.ListResultsArePublic = true;
        });
        using var http = new HttpClient();
        var response = await RawMcp.SendAsync(http, Request2026(server.McpUri, "tools/list"));

        var result = Assert.Single(response.Messages).GetProperty("result");
        Assert.Equal(30000, result.GetProperty("ttlMs").GetInt32());
        Assert.Equal("public", result.GetProperty("cacheScope").GetString());
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
    }

    [Fact]
    public async Task Tool_call_with_standard_headers_succeeds_on_any_request_without_state()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        for (var i = 0; i < 3; i++)
        {
            var response = await RawMcp.SendAsync(http, Request2026(server.McpUri, "tools/call", "\"name\":\"echo\",\"arguments\":{\"message\":\"m" + i + "\"},", name: "echo"));
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var result = Assert.Single(response.Messages).GetProperty("result");
            Assert.Equal("m" + i, result.GetProperty("content")[0].GetProperty("text").GetString());
        }
        Assert.Equal(0, server.Service<McpAspire.Mcp.Sessions.McpLiveSessionRegistry>().Count);
    }

    [Fact]
    public async Task Mcp_param_header_matching_the_argument_is_accepted_and_the_sdk_client_sends_it()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var request = Request2026(server.McpUri, "tools/call", "\"name\":\"routed\",\"arguments\":{\"region\":\"eu-west\",\"query\":\"q\"},", name: "routed");
        request.Headers.Add("Mcp-Param-Region", "eu-west");
        var response = await RawMcp.SendAsync(http, request);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("eu-west:q", Assert.Single(response.Messages).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var client = await ModelContextProtocol.Client.McpClient.CreateAsync(
            new ModelContextProtocol.Client.HttpClientTransport(new ModelContextProtocol.Client.HttpClientTransportOptions { Endpoint = server.McpUri }), cancellationToken: cts.Token);
        // The client learns which arguments to mirror into Mcp-Param-* headers from the listed input schema.
        Assert.Contains(await client.ListToolsAsync(cancellationToken: cts.Token), t => t.Name == "routed");
        var result = await client.CallToolAsync("routed", new Dictionary<string, object?> { ["region"] = "ap-süd", ["query"] = "x" }, cancellationToken: cts.Token);
        Assert.Equal("ap-süd:x", Assert.IsType<ModelContextProtocol.Protocol.TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public void Trace_context_round_trips_through_meta()
    {
        using var activity = new Activity("client").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";
        var parameters = new JsonObject { ["name"] = "echo" };

        McpTraceContext.Inject(parameters, activity);
        Assert.True(McpTraceContext.TryExtract(parameters, out var context));

        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Equal("vendor=1", context.TraceState);
        Assert.False(McpTraceContext.TryExtract(new JsonObject { ["_meta"] = new JsonObject { ["traceparent"] = "garbage" } }, out _));
    }
}
