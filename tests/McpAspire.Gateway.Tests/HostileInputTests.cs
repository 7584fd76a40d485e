using McpAspire.TestSupport;
using McpAspire.TestSupport.HostileInput;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// The hostile-input corpus against every endpoint the gateway maps (MCP in both eras and legacy SSE, stats, health,
/// metadata), with a live downstream behind it: never a 5xx, never a hang, and tool calls still work afterwards.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_endpoint_survives_the_hostile_corpus()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Merge(
            Downstreams.Http("toolhost", toolHost.McpUri),
            new Dictionary<string, string?> { ["Gateway:Auth:AllowAnonymous"] = "true" }));
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("toolhost") == "connected", "the tool host connected");

        var report = await new HostileEndpointProbe().RunAsync(gateway.App, gateway.BaseAddress);

        output.WriteLine(report.Summary);
        Assert.Contains(report.Endpoints, e => e.Pattern == "/mcp");
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(40)));
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = gateway.McpUri }));
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still here" });
        Assert.Equal("still here", Assert.IsType<TextContentBlock>(Assert.Single(echo.Content)).Text);
        Assert.Equal("connected", await gateway.DownstreamStatusAsync("toolhost"));
    }
}
