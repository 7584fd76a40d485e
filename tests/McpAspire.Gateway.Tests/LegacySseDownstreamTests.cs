using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// A downstream that speaks only the legacy HTTP+SSE transport (2024-11-05): <c>@modelcontextprotocol/server-everything sse</c>
/// (GET /sse, POST /message) as its own Node process, reached once with <c>Transport: sse</c> and once by auto-detection.
/// </summary>
public sealed class LegacySseDownstreamTests
{
    private static readonly string Script = NodePeers.PackageFile("@modelcontextprotocol/server-everything", "dist/index.js");

    [Fact]
    public async Task Legacy_sse_server_is_listed_and_called_through_the_gateway_fails_fast_when_killed_and_rejoins_when_restarted()
    {
        var port = FreePort.Next();
        var sse = await StartEverythingAsync(port);
        var url = new Uri($"http://127.0.0.1:{port}/sse");
        var explicitSse = Downstreams.Http("legacy", url);
        explicitSse["Gateway:Servers:legacy:Transport"] = "sse";
        // No transport: Streamable HTTP is tried first (POST /sse is a 404 there), then SSE.
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Merge(explicitSse, Downstreams.Http("auto", url)));
        try
        {
            await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("legacy") == "connected" && await gateway.DownstreamStatusAsync("auto") == "connected",
                "both connected to the SSE server", 60);

            await using var client = await GatewayFixture.ConnectAsync(gateway.McpUri, "2025-11-25");
            var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
            // The same server twice: every name collides, so on-conflict prefixes all of them.
            Assert.Contains("legacy__echo", tools);
            Assert.Contains("auto__echo", tools);
            Assert.Contains("legacy__get-sum", tools);
            Assert.DoesNotContain("echo", tools);

            Assert.Equal("5", Text(await client.CallToolAsync("legacy__get-sum", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 })).Split(' ')[^1].TrimEnd('.'));
            Assert.Contains("over sse", Text(await client.CallToolAsync("legacy__echo", new Dictionary<string, object?> { ["message"] = "over sse" })), StringComparison.Ordinal);
            Assert.Contains("auto-detected", Text(await client.CallToolAsync("auto__echo", new Dictionary<string, object?> { ["message"] = "auto-detected" })), StringComparison.Ordinal);

            // The SSE server crashes: its SSE stream breaks, the gateway notices and its tools fail fast by name.
            await sse.KillAsync();
            await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("legacy") is "reconnecting" or "failed", "the gateway noticed the SSE server died");
            var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("legacy__echo", new Dictionary<string, object?> { ["message"] = "x" }).AsTask());
            Assert.Contains("'legacy'", error.Message, StringComparison.Ordinal);

            // Back on the same port: a new SSE session, and the tools work again.
            await sse.DisposeAsync();
            sse = await StartEverythingAsync(port);
            await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("legacy") == "connected" && await gateway.DownstreamStatusAsync("auto") == "connected",
                "both reconnected to the restarted SSE server", 60);
            Assert.Contains("again", Text(await client.CallToolAsync("legacy__echo", new Dictionary<string, object?> { ["message"] = "again" })), StringComparison.Ordinal);
            var stats = await gateway.StatsAsync();
            var legacy = stats.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "legacy");
            Assert.Equal("sse", legacy.GetProperty("transport").GetString());
            Assert.True(legacy.GetProperty("requests").GetProperty("reconnections").GetInt64() >= 1);
        }
        finally
        {
            await sse.DisposeAsync();
        }
    }

    private static Task<NodeServerProcess> StartEverythingAsync(int port) =>
        NodeServerProcess.StartAsync(Script, ["sse"], port, new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private static string Text(CallToolResult result) => string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
