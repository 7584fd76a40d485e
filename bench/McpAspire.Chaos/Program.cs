using System.Globalization;
using McpAspire.Chaos;
using McpAspire.TestSupport;

// bench/run.sh chaos [--duration 5m] [--seed N] [--out DIR] [--short]: prints the JSON lines, writes them and the
// timeline PNG to docs/chaos/, exits 1 when a goal was missed. `stdio-peer` is the soak's stdio MCP downstream.
if (args.Length > 0 && args[0] == "stdio-peer")
{
    await StdioPeer.RunAsync();
    return 0;
}

var options = ChaosOptions.Parse(args, RepoPaths.Combine("docs", "chaos"));
var (summary, recorder) = await ChaosRun.RunAsync(options);
var name = $"chaos-{options.Duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s-seed{options.Seed.ToString(CultureInfo.InvariantCulture)}";
var lines = ChaosReport.Lines(summary, recorder).Select(l => l.ToJsonString()).ToList();
foreach (var line in lines.Where(l => !l.Contains("\"metric\":\"second\"", StringComparison.Ordinal)))
{
    Console.WriteLine(line);
}
if (options.OutputDirectory is { } directory)
{
    Directory.CreateDirectory(directory);
    await File.WriteAllLinesAsync(Path.Combine(directory, name + ".jsonl"), lines);
    await File.WriteAllLinesAsync(Path.Combine(directory, name + ".log"), recorder.Log);
    TimelinePlot.Save(summary, Path.Combine(directory, name + ".png"));
    Console.Error.WriteLine($"chaos: wrote {Path.Combine(directory, name)}.jsonl, .log and .png");
}
var violations = summary.Violations(TimeSpan.FromSeconds(10), 10);
foreach (var violation in violations)
{
    Console.Error.WriteLine("MISSED: " + violation);
}
return violations.Count == 0 ? 0 : 1;
