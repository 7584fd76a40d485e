using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace McpAspire.Bench;

/// <summary>Writes one JSON object per line: scenario, metric, value, unit and, side by side, baseline and ratio.</summary>
public static class BenchResult
{
    /// <summary>Prints a measured figure.</summary>
    public static void Report(string scenario, string metric, double value, string unit, double? baseline = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("scenario", scenario);
            writer.WriteString("metric", metric);
            writer.WriteNumber("value", Math.Round(value, 3));
            writer.WriteString("unit", unit);
            if (baseline is { } b)
            {
                writer.WriteNumber("baseline", Math.Round(b, 3));
                writer.WriteNumber("ratio", b == 0 ? 0 : Math.Round(value / b, 3));
            }
            writer.WriteEndObject();
        }
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        Console.Out.Flush();
    }

    /// <summary>Reports errors and this process's peak RSS, which every scenario ends with.</summary>
    public static void ReportFooter(string scenario, long errors)
    {
        Report(scenario, "errors", errors, "count");
        Report(scenario, "peak_rss", PeakRssBytes() / (1024.0 * 1024.0), "MiB");
    }

    /// <summary>Peak resident set size of this process (VmHWM), or the current working set where unavailable.</summary>
    public static long PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
