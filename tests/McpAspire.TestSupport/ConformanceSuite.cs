using System.Globalization;
using System.Text.RegularExpressions;

namespace McpAspire.TestSupport;

/// <summary>Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against a server URL.</summary>
public static partial class ConformanceSuite
{
    /// <summary>What the suite reported.</summary>
    /// <param name="ExitCode">The suite's exit code.</param>
    /// <param name="Passed">Checks passed (its "Total: N passed" line).</param>
    /// <param name="Failed">Checks failed.</param>
    /// <param name="PassedScenarios">Scenarios whose checks all passed.</param>
    /// <param name="Output">Everything it printed, for failure messages.</param>
    public sealed record Result(int ExitCode, int Passed, int Failed, IReadOnlyList<string> PassedScenarios, string Output);

    /// <summary>Runs <c>conformance server --url URL --suite all</c> with Node 22 and parses its summary.</summary>
    public static async Task<Result> RunServerSuiteAsync(Uri url, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(url);
        var cli = NodePeers.PackageFile("@modelcontextprotocol/conformance", "dist/index.js");
        var output = Directory.CreateTempSubdirectory("mcpaspire-conformance-");
        try
        {
            var run = await NodeProcess.RunAsync([cli, "server", "--url", url.ToString(), "--suite", "all", "--output-dir", output.FullName], timeout).ConfigureAwait(false);
            var text = run.Stdout + run.Stderr;
            var total = TotalLine().Match(text);
            if (!total.Success)
            {
                throw new InvalidOperationException("No summary line in the conformance suite's output:\n" + text);
            }
            return new Result(
                run.ExitCode,
                int.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(total.Groups[2].Value, CultureInfo.InvariantCulture),
                ScenarioLine().Matches(text).Select(m => m.Groups[1].Value).ToList(),
                text);
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
