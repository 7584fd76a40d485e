using McpAspire.TestSupport.HostileInput;
using ModelContextProtocol.Client;
using Xunit.Abstractions;

namespace McpAspire.ToolHost.Tests;

/// <summary>The hostile-input corpus against every endpoint the tool host maps: never a 5xx, never a hang, still serving afterwards.</summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_endpoint_survives_the_hostile_corpus()
    {
        await using var server = await ToolHostServer.StartAsync();

        var report = await new HostileEndpointProbe().RunAsync(server.App, server.BaseAddress);

        output.WriteLine(report.Summary);
        Assert.Contains(report.Endpoints, e => e.Pattern == "/mcp");
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(40)));
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.McpUri }));
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still here" });
        Assert.Contains("still here", string.Concat(echo.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(t => t.Text)));
    }
}
