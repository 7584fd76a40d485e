using System.Net;
using System.Text.Json;
using McpAspire.TestSupport;
using ModelContextProtocol.Client;

namespace McpAspire.Gateway.Tests.RealClients;

/// <summary>
/// What a new user's assistant does first, through the gateway of the shipped topology (tool host with Redis, default
/// profile): the official TypeScript SDK client and the MCP inspector CLI list, call, get and read everything.
/// </summary>
public sealed class RealClientTests(RealTopologyFixture fixture) : IClassFixture<RealTopologyFixture>
{
    private const string Agent = "real-client-agent";

    /// <summary>Every tool host tool with arguments that make it succeed, in an order where each one's inputs exist.</summary>
    private static readonly (string Tool, object Args)[] s_calls =
    [
        ("echo", new { message = "héllo ✓" }),
        ("agents_register", new { name = "Ada", id = Agent, capabilities = new[] { "review", "types:admin", "rules:admin" } }),
        ("agents_heartbeat", new { id = Agent }),
        ("agents_list", new { }),
        ("agents_stats", new { }),
        ("messages_send", new { type = "task.assign", payload = new { file = "a.cs", lines = new[] { 1, 2 } }, to = Agent }),
        ("messages_replay", new { agentId = Agent }),
        ("messages_receive", new { agentId = Agent }),
        ("message_types_declare", new { name = "real.note", from = Agent, schema = new { type = "object", properties = new { text = new { type = "string" } } }, defaultTtlSeconds = 60 }),
        ("message_types_list", new { }),
        ("message_types_remove", new { name = "real.note", from = Agent }),
        ("routing_rules_add", new { name = "real-quiet", action = "drop", from = Agent, type = "real.debug" }),
        ("routing_rules_list", new { }),
        ("routing_rules_remove", new { name = "real-quiet", from = Agent }),
        ("context_put", new { key = "real/k1", value = new { nested = new[] { 1, 2 } } }),
        ("context_get", new { key = "real/k1" }),
        ("handles_create", new { value = "a value" }),
        ("handles_get", new { handle = "$handle" }),
        ("handles_release", new { handle = "$handle" }),
        ("agents_unregister", new { id = Agent }),
    ];

    [Fact]
    public async Task Typescript_sdk_client_lists_and_calls_every_tool_gets_every_prompt_and_reads_every_resource()
    {
        var plan = JsonSerializer.Serialize(new
        {
            calls = s_calls.SkipLast(1).Select(c => new { tool = c.Tool, args = c.Args }),
            lastCalls = s_calls.TakeLast(1).Select(c => new { tool = c.Tool, args = c.Args }),
            prompts = new object[] { new { name = "coordinate_agents", args = new { goal = "ship it" } }, new { name = "triage_mailbox", args = new { agentId = Agent } } },
            resources = new[] { $"agents://{Agent}", $"mailbox://{Agent}" },
        });
        var script = RepoPaths.Combine("tests", "node", "clients", "exercise-all.mjs");

        var result = await NodeProcess.RunAsync([script, fixture.Topology.GatewayMcpUri.ToString(), plan], TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        using var json = JsonDocument.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
        var root = json.RootElement;
        Assert.StartsWith("2025-", root.GetProperty("protocolVersion").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("invalidSchemas").GetArrayLength() == 0, "schemas that are not JSON Schema 2020-12: " + root.GetProperty("invalidSchemas"));
        var listed = root.GetProperty("tools").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(s_calls.Select(c => c.Tool).Order(StringComparer.Ordinal), listed);
        foreach (var call in root.GetProperty("calls").EnumerateArray())
        {
            Assert.True(call.GetProperty("ok").GetBoolean() && !call.GetProperty("isError").GetBoolean(), "call failed: " + call);
        }
        Assert.Contains("héllo ✓", root.GetProperty("calls")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["coordinate_agents", "triage_mailbox"], root.GetProperty("prompts").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
        Assert.All(root.GetProperty("promptGets").EnumerateArray(), p => Assert.True(p.GetProperty("ok").GetBoolean() && p.GetProperty("messages").GetInt32() > 0, p.ToString()));
        Assert.Contains("agents://list", root.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        Assert.True(root.GetProperty("templates").GetArrayLength() >= 2);
        Assert.All(root.GetProperty("reads").EnumerateArray(), r => Assert.True(r.GetProperty("ok").GetBoolean() && r.GetProperty("contents").GetInt32() > 0, r.ToString()));
    }

    [Fact]
    public async Task Inspector_cli_lists_every_tool_prompt_and_resource_and_calls_every_tool()
    {
        var url = fixture.Topology.GatewayMcpUri.ToString();
        var tools = await InspectAsync(url, "--method", "tools/list");
        Assert.Equal(s_calls.Select(c => c.Tool).Order(StringComparer.Ordinal),
            tools.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await InspectAsync(url, "--method", "prompts/list")).GetProperty("prompts").GetArrayLength());
        Assert.NotEqual(0, (await InspectAsync(url, "--method", "resources/list")).GetProperty("resources").GetArrayLength());

        string? handle = null;
        foreach (var (tool, args) in s_calls)
        {
            var arguments = new List<string> { "--method", "tools/call", "--tool-name", tool };
            foreach (var property in JsonSerializer.SerializeToElement(args).EnumerateObject())
            {
                var value = property.Value.ValueKind == JsonValueKind.String
                    ? (property.Value.GetString() == "$handle" ? handle! : property.Value.GetString()!)
                    : property.Value.GetRawText();
                arguments.AddRange(["--tool-arg", $"{property.Name}={value}"]);
            }
            var result = await InspectAsync(url, [.. arguments]);
            Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), $"{tool}: {result}");
            if (tool == "handles_create")
            {
                handle = result.GetProperty("structuredContent").GetProperty("handle").GetString();
            }
        }
    }

    [Fact]
    public async Task Initialize_without_params_is_invalid_params_and_opens_no_session()
    {
        using var http = new HttpClient();
        foreach (var uri in new[] { fixture.Topology.GatewayMcpUri, fixture.Topology.ToolHost.McpUri })
        {
            using var request = RawMcp.Post(uri, """{"jsonrpc":"2.0","id":1,"method":"initialize"}""");
            var response = await RawMcp.SendAsync(http, request);

            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal(-32602, response.ErrorCode);
            Assert.Null(response.SessionId);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Csharp_client_lists_every_tool_with_object_schemas_in_both_eras(string? era)
    {
        await using var client = await GatewayFixture.ConnectAsync(fixture.Topology.GatewayMcpUri, era);
        var tools = await client.ListToolsAsync();
        Assert.Equal(s_calls.Length, tools.Count);
        foreach (var tool in tools)
        {
            foreach (var schema in new[] { tool.ProtocolTool.InputSchema, tool.ProtocolTool.OutputSchema ?? default })
            {
                if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
                {
                    Assert.All(properties.EnumerateObject(), p => Assert.True(p.Value.ValueKind == JsonValueKind.Object, $"{tool.Name}.{p.Name}: {p.Value}"));
                }
            }
        }
        var put = await client.CallToolAsync("context_put", new Dictionary<string, object?> { ["key"] = "cs/" + (era ?? "2026"), ["value"] = new[] { 1, 2, 3 } });
        Assert.NotEqual(true, put.IsError);
        Assert.Equal("[1,2,3]", put.StructuredContent?.GetProperty("value").GetRawText());
    }

    private static async Task<JsonElement> InspectAsync(string url, params string[] arguments)
    {
        var cli = NodePeers.PackageFile("@modelcontextprotocol/inspector-cli", "build/index.js");
        // Run from tests/node/clients: the CLI looks for "../package.json" relative to the working directory.
        var result = await NodeProcess.RunAsync([cli, url, "--transport", "http", .. arguments], TimeSpan.FromSeconds(60), Path.Combine(NodePeers.Directory, "clients"));
        Assert.True(result.ExitCode == 0, $"inspector {string.Join(' ', arguments)}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }
}
