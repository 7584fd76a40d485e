using System.Text.RegularExpressions;
using McpAspire.TestSupport;

namespace McpAspire.Gateway.Tests;

/// <summary>The official conformance suite against the gateway, in front of a tool host in the conformance profile.</summary>
public sealed partial class GatewayConformanceTests
{
    [Fact]
    public async Task Every_conformance_scenario_passes_through_the_gateway()
    {
        await using var toolHost = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        var settings = Downstreams.Http("conformance", toolHost.McpUri);
        settings["Gateway:PrefixMode"] = "Never";
        await using var gateway = await RunningApp.GatewayAsync(settings);
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("conformance") == "connected", "the downstream connected", 60);

        var cli = NodePeers.PackageFile("@modelcontextprotocol/conformance", "dist/index.js");
        var output = Directory.CreateTempSubdirectory("mcpaspire-gw-conformance-");
        try
        {
            var result = await NodeProcess.RunAsync(
                [cli, "server", "--url", gateway.McpUri.ToString(), "--suite", "all", "--output-dir", output.FullName],
                TimeSpan.FromMinutes(4));
            var text = result.Stdout + result.Stderr;
            var total = TotalLine().Match(text);
            Assert.True(total.Success, "no summary line in the suite's output:\n" + text);
            var failed = int.Parse(total.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var scenarios = ScenarioLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
            Assert.True(failed == 0 && result.ExitCode == 0, $"{failed} checks failed (exit {result.ExitCode}):\n{text}");
            Assert.True(scenarios.Count >= 32, $"only {scenarios.Count} scenarios passed:\n{text}");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"Total: (\d+) passed, (\d+) failed")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^✓ ([a-z0-9-]+): \d+ passed, 0 failed", RegexOptions.Multiline)]
    private static partial Regex ScenarioLine();
}
