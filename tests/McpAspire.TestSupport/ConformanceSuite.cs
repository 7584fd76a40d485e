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
    /// <param name="Warnings">Checks that reported WARNING ("scenario/check: description"): SHOULDs the server missed.</param>
    /// <param name="SucceededChecks">Ids of the checks that reported SUCCESS (e.g. <c>server-sse-disconnect-resume</c>).</param>
    public sealed record Result(int ExitCode, int Passed, int Failed, IReadOnlyList<string> PassedScenarios, string Output, IReadOnlyList<string> Warnings,
        IReadOnlySet<string> SucceededChecks);

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
                text,
                [.. Checks(output, "WARNING").Select(c => $"{c.Scenario}/{c.Id}: {c.Description}")],
                Checks(output, "SUCCESS").Select(c => c.Id).ToHashSet(StringComparer.Ordinal));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    // Each scenario writes its checks to checks.json; the server summary does not count warnings.
    private static List<(string Scenario, string Id, string Description)> Checks(DirectoryInfo output, string status) =>
        [.. output.EnumerateFiles("checks.json", SearchOption.AllDirectories).SelectMany(file =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file.FullName));
            return json.RootElement.EnumerateArray()
                .Where(c => c.TryGetProperty("status", out var s) && s.GetString() == status)
                .Select(c => (file.Directory!.Name, c.GetProperty("id").GetString()!, c.TryGetProperty("description", out var d) ? d.GetString() ?? "" : ""))
                .ToList();
        })];

    [GeneratedRegex(@"Total: (\d+) passed, (\d+) failed")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^✓ ([a-z0-9-]+): \d+ passed, 0 failed", RegexOptions.Multiline)]
    private static partial Regex ScenarioLine();
}
