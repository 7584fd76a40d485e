using System.Text.RegularExpressions;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>The official conformance suite (@modelcontextprotocol/conformance, every server scenario) against the tool host.</summary>
public sealed partial class ConformanceSuiteTests
{
    [Fact]
    public async Task Every_conformance_scenario_passes_against_the_conformance_profile()
    {
        await using var server = await ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        var cli = NodePeers.PackageFile("@modelcontextprotocol/conformance", "dist/index.js");
        var output = Directory.CreateTempSubdirectory("mcpaspire-conformance-");
        try
        {
            var result = await NodeProcess.RunAsync(
                [cli, "server", "--url", server.McpUri.ToString(), "--suite", "all", "--output-dir", output.FullName],
                TimeSpan.FromMinutes(3));
            var text = result.Stdout + result.Stderr;

            var total = TotalLine().Match(text);
            Assert.True(total.Success, "no summary line in the suite's output:\n" + text);
            var passed = int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var failed = int.Parse(total.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var scenarios = ScenarioLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
            Assert.True(failed == 0 && result.ExitCode == 0, $"{failed} checks failed (exit {result.ExitCode}):\n{text}");
            // 0.1.16 has 32 server scenarios with 45 checks; fewer means scenarios silently did not run.
            Assert.True(scenarios.Count >= 32, $"only {scenarios.Count} scenarios ran:\n{text}");
            Assert.True(passed >= 45, $"only {passed} checks passed:\n{text}");
            Assert.Contains("server-sse-polling", scenarios);
            Assert.Contains("dns-rebinding-protection", scenarios);
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
