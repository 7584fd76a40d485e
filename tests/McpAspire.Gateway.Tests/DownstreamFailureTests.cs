using System.Diagnostics;
using McpAspire.TestSupport;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests;

/// <summary>A downstream dies and comes back; configuration is reloaded; stdio children are reaped.</summary>
public sealed class DownstreamFailureTests
{
    [Fact]
    public async Task A_dead_downstream_fails_fast_by_name_leaves_the_catalog_and_rejoins_when_it_returns()
    {
        var port = FreePort.Next();
        var flaky = await RunningApp.ToolHostAsync(port);
        await using var memoryHost = await RunningApp.ToolHostAsync();
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Merge(
            Downstreams.Http("flaky", flaky.McpUri),
            Downstreams.Stdio("memory", "@modelcontextprotocol/server-memory")));
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("flaky") == "connected" && await gateway.DownstreamStatusAsync("memory") == "connected", "both connected", 60);

        var listChanged = 0;
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { Interlocked.Increment(ref listChanged); return ValueTask.CompletedTask; })],
            },
        };
        await using var client = await GatewayFixture.ConnectAsync(gateway.McpUri, "2025-11-25", options);
        Assert.Contains("echo", (await client.ListToolsAsync()).Select(t => t.Name));

        await flaky.DisposeAsync();

        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("flaky") == "reconnecting", "the gateway noticed the loss");
        // The status flips a moment before the merged catalog is rebuilt: wait for the catalog, not the status.
        await Eventually.HoldsAsync(async () => !(await client.ListToolsAsync()).Any(t => t.Name == "echo"), "echo left the catalog");
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref listChanged) >= 1), "the client was told the tool list changed");

        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "x" }).AsTask());
        Assert.Contains("'flaky'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unavailable", error.Message, StringComparison.Ordinal);
        Assert.Equal(-32001, (int)error.ErrorCode);
        // The other server is unaffected.
        Assert.Contains("read_graph", (await client.ListToolsAsync()).Select(t => t.Name));
        await client.CallToolAsync("read_graph", new Dictionary<string, object?>());

        var before = Volatile.Read(ref listChanged);
        await using var back = await RunningApp.ToolHostAsync(port);
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("flaky") == "connected", "flaky reconnected", 60);
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref listChanged) > before), "the client was told the tool came back");
        var echoed = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "back again" });
        Assert.Contains("back again", string.Join("", echoed.Content.OfType<TextContentBlock>().Select(c => c.Text)));
        var stats = await gateway.StatsAsync();
        var flakyStats = stats.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "flaky");
        Assert.True(flakyStats.GetProperty("requests").GetProperty("reconnections").GetInt64() >= 1);
    }

    [Fact]
    public async Task Servers_file_changes_add_and_remove_downstreams_and_removed_stdio_children_are_reaped()
    {
        var dir = Directory.CreateTempSubdirectory("mcpaspire-gw-");
        var file = Path.Combine(dir.FullName, "mcp.json");
        var marker = "gw-test-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllTextAsync(file, "{ \"mcpServers\": {} }");
        try
        {
            await using var gateway = await RunningApp.GatewayAsync(new Dictionary<string, string?> { ["Gateway:ServersFile"] = file });
            Assert.Empty((await gateway.StatsAsync()).GetProperty("servers").EnumerateArray());

            var serverJs = NodePeers.PackageFile("@modelcontextprotocol/server-memory", "dist/index.js");
            await File.WriteAllTextAsync(file, $$"""
                {
                  // comments and trailing commas, as editors leave them
                  "mcpServers": {
                    "memory": { "command": "{{NodePeers.NodeExecutable}}", "args": ["{{serverJs}}"], "env": { "MCPASPIRE_TEST_MARKER": "{{marker}}" } },
                  }
                }
                """);
            await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("memory") == "connected", "the new server connected", 60);
            Assert.Single(ProcessesWithMarker(marker));
            await using (var client = await GatewayFixture.ConnectAsync(gateway.McpUri, null))
            {
                Assert.Contains("create_entities", (await client.ListToolsAsync()).Select(t => t.Name));
            }

            // A broken edit is rejected and the running server stays.
            await File.WriteAllTextAsync(file, "{ \"mcpServers\": { \"bad name!\": { \"url\": \"ftp://x\" } } }");
            await Task.Delay(1500);
            Assert.Equal("connected", await gateway.DownstreamStatusAsync("memory"));

            await File.WriteAllTextAsync(file, "{ \"mcpServers\": {} }");
            await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("memory") is null, "the removed server left");
            await Eventually.HoldsAsync(() => Task.FromResult(ProcessesWithMarker(marker).Count == 0), "its node process was reaped");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Stopping_the_gateway_reaps_its_stdio_children()
    {
        var marker = "gw-test-" + Guid.NewGuid().ToString("N")[..8];
        var settings = Downstreams.Stdio("memory", "@modelcontextprotocol/server-memory");
        settings["Gateway:Servers:memory:Env:MCPASPIRE_TEST_MARKER"] = marker;
        var gateway = await RunningApp.GatewayAsync(settings);
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("memory") == "connected", "memory connected", 60);
        Assert.Single(ProcessesWithMarker(marker));
        await gateway.DisposeAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(ProcessesWithMarker(marker).Count == 0), "no child process left");
    }

    [Fact]
    public async Task A_server_that_never_answers_is_marked_failed_after_its_attempts()
    {
        var settings = Downstreams.Http("ghost", new Uri($"http://127.0.0.1:{FreePort.Next()}/mcp"));
        settings["Gateway:Servers:ghost:MaxReconnectAttempts"] = "2";
        settings["Gateway:Servers:ghost:ConnectionTimeout"] = "00:00:02";
        await using var gateway = await RunningApp.GatewayAsync(settings);
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("ghost") == "failed", "ghost failed");
        var ghost = (await gateway.StatsAsync()).GetProperty("servers")[0];
        Assert.False(string.IsNullOrEmpty(ghost.GetProperty("lastError").GetString()));
        using var health = await gateway.Http.GetAsync(new Uri("health", UriKind.Relative));
        Assert.Contains("Degraded", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>PIDs of processes whose environment carries the marker (how a test finds the stdio children it caused).</summary>
    private static List<int> ProcessesWithMarker(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environ.Contains("MCPASPIRE_TEST_MARKER=" + marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
