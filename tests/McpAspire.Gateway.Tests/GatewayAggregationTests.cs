using System.Text.Json;
using McpAspire.Gateway.Catalog;
using McpAspire.TestSupport;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests;

/// <summary>Real clients (C# SDK in both eras, TypeScript SDK) through the gateway to three real downstreams.</summary>
public sealed class GatewayAggregationTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _fixture;

    public GatewayAggregationTests(GatewayFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string?> Eras => new() { null, "2025-11-25", "2025-06-18" };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task One_catalog_lists_every_servers_tools_with_colliding_names_prefixed(string? era)
    {
        await using var client = await _fixture.ConnectAsync(era);
        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();

        // Both the tool host and server-everything have "echo": on-conflict mode prefixes both.
        Assert.Contains("toolhost__echo", tools);
        Assert.Contains("everything__echo", tools);
        Assert.DoesNotContain("echo", tools);
        Assert.Contains("get-sum", tools);          // server-everything, unique: unprefixed
        Assert.Contains("create_entities", tools);  // server-memory
        Assert.Contains("read_graph", tools);
        Assert.All(tools, t => Assert.Matches(ExposedNames.Pattern(), t));
        Assert.Equal(tools.Count, tools.Distinct().Count());
        Assert.Equal("mcpaspire-gateway", client.ServerInfo?.Name);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Calls_are_routed_to_the_server_that_owns_the_tool(string? era)
    {
        await using var client = await _fixture.ConnectAsync(era);

        var viaToolHost = await client.CallToolAsync("toolhost__echo", new Dictionary<string, object?> { ["message"] = "to toolhost" });
        Assert.Contains("to toolhost", Text(viaToolHost));
        var viaEverything = await client.CallToolAsync("everything__echo", new Dictionary<string, object?> { ["message"] = "to everything" });
        Assert.Contains("to everything", Text(viaEverything));
        var sum = await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 19, ["b"] = 23 });
        Assert.Contains("42", Text(sum));

        var entity = "gw-" + Guid.NewGuid().ToString("N")[..8];
        await client.CallToolAsync("create_entities", new Dictionary<string, object?>
        {
            ["entities"] = new[] { new { name = entity, entityType = "test", observations = new[] { "made through the gateway" } } },
        });
        var graph = await client.CallToolAsync("read_graph", new Dictionary<string, object?>());
        Assert.Contains(entity, Text(graph));
    }

    [Fact]
    public async Task Every_progress_update_of_a_downstream_tool_reaches_the_caller_in_order()
    {
        // A session-wide handler sees every notification in arrival order (the SDK's per-call IProgress may drop one
        // that lands just before the result, a client-side race we must not blame on the gateway).
        var seen = new List<(string Token, double Progress, double? Total)>();
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ProgressNotification, (notification, _) =>
                    {
                        var p = notification.Params!;
                        lock (seen)
                        {
                            seen.Add((p["progressToken"]!.ToString(), p["progress"]!.GetValue<double>(), p["total"]?.GetValue<double>()));
                        }
                        return ValueTask.CompletedTask;
                    }),
                ],
            },
        };
        await using var client = await GatewayFixture.ConnectAsync(_fixture.Gateway.McpUri, "2025-11-25", options);
        var result = await client.CallToolAsync("trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 2, ["steps"] = 4 },
            options: new RequestOptions { ProgressToken = new ProgressToken("gateway-progress-test") });
        Assert.False(result.IsError ?? false, Text(result));
        // The gateway holds the result up to 1 s for the downstream's final update (progress == total); on a machine
        // loaded past that, the SDK client can hand the last one over later still, when the caller's stream is closed.
        await Eventually.HoldsAsync(() => { lock (seen) { return Task.FromResult(seen.Count >= 3); } }, "the progress notifications arrived", 10);
        lock (seen)
        {
            Assert.All(seen, n => Assert.Equal("gateway-progress-test", n.Token));
            Assert.Equal(seen.Select(n => n.Progress).Order(), seen.Select(n => n.Progress));
            Assert.Equal([1d, 2d, 3d], seen.Select(n => n.Progress).Take(3));
            Assert.All(seen, n => Assert.Equal(4d, n.Total));
        }
    }

    [Fact]
    public async Task Prompts_and_resources_of_downstreams_are_served()
    {
        await using var client = await _fixture.ConnectAsync("2025-11-25");
        var prompts = await client.ListPromptsAsync();
        Assert.NotEmpty(prompts);
        var simple = prompts.First(p => p.Name.Contains("simple", StringComparison.OrdinalIgnoreCase));
        var got = await client.GetPromptAsync(simple.Name);
        Assert.NotEmpty(got.Messages);

        var resources = await client.ListResourcesAsync();
        Assert.NotEmpty(resources);
        var read = await client.ReadResourceAsync(resources[0].Uri);
        Assert.NotEmpty(read.Contents);
        var templates = await client.ListResourceTemplatesAsync();
        Assert.NotEmpty(templates);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Unknown_names_and_bad_cursors_get_clear_json_rpc_errors(string? era)
    {
        await using var client = await _fixture.ConnectAsync(era);
        var tool = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("no_such_tool").AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, tool.ErrorCode);
        Assert.Contains("no_such_tool", tool.Message, StringComparison.Ordinal);

        var prompt = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetPromptAsync("no_such_prompt").AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, prompt.ErrorCode);

        var resource = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("nowhere://nothing").AsTask());
        Assert.Equal(McpErrorCode.ResourceNotFound, resource.ErrorCode);

        var cursor = await Assert.ThrowsAsync<McpProtocolException>(() => client.ListToolsAsync(new ListToolsRequestParams { Cursor = "not-ours" }).AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, cursor.ErrorCode);
    }

    [Fact]
    public async Task Stats_report_each_downstream_with_request_counts_and_latency()
    {
        await using var client = await _fixture.ConnectAsync("2025-11-25");
        await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 });
        var stats = await _fixture.Gateway.StatsAsync();
        var everything = stats.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "everything");
        Assert.Equal("connected", everything.GetProperty("status").GetString());
        Assert.Equal("stdio", everything.GetProperty("transport").GetString());
        var requests = everything.GetProperty("requests");
        Assert.True(requests.GetProperty("totalRequests").GetInt64() >= 1);
        Assert.True(requests.GetProperty("successfulRequests").GetInt64() >= 1);
        Assert.True(requests.GetProperty("maxLatencyMs").GetDouble() >= requests.GetProperty("minLatencyMs").GetDouble());
        Assert.True(everything.GetProperty("uptimeSeconds").GetDouble() > 0);
        Assert.True(stats.GetProperty("tools").GetInt32() > 10);

        using var health = await _fixture.Gateway.Http.GetAsync(new Uri("health", UriKind.Relative));
        using var healthJson = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", healthJson.RootElement.GetProperty("checks").GetProperty("downstreams").GetProperty("status").GetString());
    }

    [Fact]
    public async Task TypeScript_sdk_client_works_through_the_gateway()
    {
        var script = Path.Combine(NodePeers.Directory, "clients", "gateway-client.mjs");
        var result = await NodeProcess.RunAsync([script, _fixture.Gateway.McpUri.ToString(), "toolhost__echo", "{\"message\":\"from typescript\"}"], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        Assert.Equal("mcpaspire-gateway", root.GetProperty("serverName").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("sessionId").GetString()));
        Assert.Contains("from typescript", root.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("create_entities", root.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.False(root.GetProperty("isError").GetBoolean());
    }

    [Theory]
    [InlineData("/sse")]
    [InlineData("/mcp/sse")]
    public async Task Legacy_sse_client_lists_and_calls_through_the_gateway_on_both_paths(string ssePath)
    {
        // The deleted McpAspire.Mcp tests proved a legacy HTTP+SSE (2024-11-05) client on the earlier front; this is
        // the same with the SDK's own legacy client against the SDK-served path and the gateway's earlier root path.
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_fixture.Gateway.BaseAddress, ssePath),
            TransportMode = HttpTransportMode.Sse,
        });
        await using var client = await McpClient.CreateAsync(transport);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("toolhost__echo", tools);
        Assert.Contains("create_entities", tools);
        var echoed = await client.CallToolAsync("toolhost__echo", new Dictionary<string, object?> { ["message"] = "over legacy sse" });
        Assert.Contains("over legacy sse", Text(echoed), StringComparison.Ordinal);
        Assert.Equal("mcpaspire-gateway", client.ServerInfo?.Name);
    }

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text)) + (result.StructuredContent?.ToString() ?? "");

}
