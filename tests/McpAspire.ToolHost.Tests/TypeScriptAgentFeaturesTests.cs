using System.Text.Json;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The TypeScript SDK client (<c>tests/node/clients/agent-features.mjs</c>, a 2025-era session) uses each server-core
/// feature end to end: a schema refusal naming path and rule, a routing rule's rewrite, a compressed payload read back
/// intact, a <c>status://system</c> subscription's update, and the status and error history read as resources.
/// </summary>
public abstract class TypeScriptAgentFeaturesTests
{
    private readonly string _connectionString;

    private protected TypeScriptAgentFeaturesTests(string connectionString) => _connectionString = connectionString;

    [Fact]
    public async Task Typescript_sdk_client_uses_types_rules_compression_status_and_errors()
    {
        await using var server = await ToolHostServer.StartAsync(AgentSettings.For(_connectionString));
        var script = RepoPaths.Combine("tests", "node", "clients", "agent-features.mjs");

        var result = await NodeProcess.RunAsync([script, server.McpUri.ToString()], TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var line = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.StartsWith("2025-", root.GetProperty("protocolVersion").GetString(), StringComparison.Ordinal);

        var refused = root.GetProperty("schemaRefused");
        Assert.True(refused.GetProperty("isError").GetBoolean());
        var text = refused.GetProperty("text").GetString()!;
        Assert.Contains("at '/priority' rule 'minimum' (/properties/priority)", text, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", text, StringComparison.Ordinal);

        Assert.Equal("ts-done-to-review", root.GetProperty("rule").GetString());
        Assert.Equal(["ts-review"], root.GetProperty("routedTo").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("ts-done-to-review", Assert.Single(root.GetProperty("rules").EnumerateArray()).GetProperty("name").GetString());

        // The refused task never arrived; the valid one and the large one did, in order, the large one intact.
        Assert.Equal(["ts.task", "bulk"], root.GetProperty("workerTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("largeIntact").GetBoolean());

        Assert.Equal("status://system", root.GetProperty("statusUpdate").GetString());
        var status = root.GetProperty("status");
        Assert.True(status.GetProperty("healthy").GetBoolean());
        Assert.True(status.GetProperty("redisConnected").GetBoolean());
        Assert.Equal(3, status.GetProperty("active").GetInt32());
        Assert.Equal(2, status.GetProperty("queued").GetInt64()); // the routed ts.done and the ping, both at ts-review
        Assert.Equal(1, status.GetProperty("compressed").GetInt64());
        Assert.Equal(1, status.GetProperty("ruleHits").GetProperty("ts-done-to-review").GetInt64());

        var error = Assert.Single(root.GetProperty("recentErrors").EnumerateArray());
        Assert.Equal("messages_send", error.GetProperty("tool").GetString());
        Assert.Equal("validation", error.GetProperty("category").GetString());
        Assert.Equal("warning", error.GetProperty("severity").GetString());
        Assert.Contains("'/priority'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, root.GetProperty("validationCount").GetInt32());
    }
}

/// <summary>The TypeScript SDK agent features on redis-server 7.</summary>
public sealed class TypeScriptAgentFeaturesOnRedisTests : TypeScriptAgentFeaturesTests, IClassFixture<RedisFixture>
{
    public TypeScriptAgentFeaturesOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>The TypeScript SDK agent features on Garnet.</summary>
public sealed class TypeScriptAgentFeaturesOnGarnetTests : TypeScriptAgentFeaturesTests, IClassFixture<GarnetFixture>
{
    public TypeScriptAgentFeaturesOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}
