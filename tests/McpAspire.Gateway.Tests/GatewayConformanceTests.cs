using McpAspire.TestSupport;

namespace McpAspire.Gateway.Tests;

/// <summary>The official conformance suite against the gateway, in front of a tool host in the conformance profile.</summary>
public sealed class GatewayConformanceTests
{
    [Fact]
    public async Task Every_conformance_scenario_passes_through_the_gateway()
    {
        await using var toolHost = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        var settings = Downstreams.Http("conformance", toolHost.McpUri);
        settings["Gateway:PrefixMode"] = "Never";
        await using var gateway = await RunningApp.GatewayAsync(settings);
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("conformance") == "connected", "the downstream connected", 60);

        var result = await ConformanceSuite.RunServerSuiteAsync(gateway.McpUri, TimeSpan.FromMinutes(4));

        Assert.True(result.Failed == 0 && result.ExitCode == 0, $"{result.Failed} checks failed (exit {result.ExitCode}):\n{result.Output}");
        // SHOULDs count too (server-sse-polling: a retry field, and the result after resuming with Last-Event-ID).
        Assert.True(result.Warnings.Count == 0, "warnings:\n" + string.Join('\n', result.Warnings));
        Assert.Contains("server-sse-retry-field", result.SucceededChecks);
        Assert.Contains("server-sse-disconnect-resume", result.SucceededChecks);
        // 0.1.16 has 32 server scenarios with 45 checks; fewer means scenarios silently did not run.
        Assert.True(result.PassedScenarios.Count >= 32, $"only {result.PassedScenarios.Count} scenarios passed:\n{result.Output}");
        Assert.True(result.Passed >= 45, $"only {result.Passed} checks passed:\n{result.Output}");
    }
}
