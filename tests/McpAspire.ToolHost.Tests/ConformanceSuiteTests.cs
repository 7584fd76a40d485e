using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>The official conformance suite (@modelcontextprotocol/conformance, every server scenario) against the tool host.</summary>
public sealed class ConformanceSuiteTests
{
    [Fact]
    public async Task Every_conformance_scenario_passes_against_the_conformance_profile()
    {
        await using var server = await ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });

        var result = await ConformanceSuite.RunServerSuiteAsync(server.McpUri, TimeSpan.FromMinutes(3));

        Assert.True(result.Failed == 0 && result.ExitCode == 0, $"{result.Failed} checks failed (exit {result.ExitCode}):\n{result.Output}");
        // SHOULDs count too (server-sse-polling: a retry field, and the result after resuming with Last-Event-ID).
        Assert.True(result.Warnings.Count == 0, "warnings:\n" + string.Join('\n', result.Warnings));
        Assert.Contains("server-sse-retry-field", result.SucceededChecks);
        Assert.Contains("server-sse-disconnect-resume", result.SucceededChecks);
        // 0.1.16 has 32 server scenarios with 45 checks; fewer means scenarios silently did not run.
        Assert.True(result.PassedScenarios.Count >= 32, $"only {result.PassedScenarios.Count} scenarios ran:\n{result.Output}");
        Assert.True(result.Passed >= 45, $"only {result.Passed} checks passed:\n{result.Output}");
        Assert.Contains("server-sse-polling", result.PassedScenarios);
        Assert.Contains("dns-rebinding-protection", result.PassedScenarios);
    }
}
