namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// What the scenario measured, point by point, for the JSON lines (as it goes) and for the plot (at the end): each
/// figure belongs to a panel (catalog, sessions, streams, stdio) and a series, at x = the point's size.
/// </summary>
public sealed class ScaleFigures
{
    public const string Scenario = "gateway-scale";

    private readonly List<(string Panel, string Series, double X, double Y, string Unit)> _points = [];

    /// <summary>Every figure so far.</summary>
    public IReadOnlyList<(string Panel, string Series, double X, double Y, string Unit)> Points => _points;

    /// <summary>Errors seen (failed requests, streams that were not notified, processes not reaped).</summary>
    public long Errors { get; set; }

    /// <summary>Reports <c>{panel}_{series}_{x}</c> as a JSON line and keeps it for the plot.</summary>
    public void Add(string panel, string series, int x, double y, string unit)
    {
        _points.Add((panel, series, x, y, unit));
        BenchResult.Report(Scenario, $"{panel}_{series}_{x}", y, unit);
    }

    /// <summary>Reports a figure that is not plotted (a goal's verdict, a count).</summary>
    public static void Note(string metric, double value, string unit, double? baseline = null) =>
        BenchResult.Report(Scenario, metric, value, unit, baseline);
}
