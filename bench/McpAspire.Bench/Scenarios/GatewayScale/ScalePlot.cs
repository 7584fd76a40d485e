using ScottPlot;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// The scenario's PNG (ScottPlot 5): one panel per part and unit (catalog ms, catalog MiB, sessions B, …), a line per
/// series over the point sizes on a log axis; the title carries the date, load average and command.
/// </summary>
public static class ScalePlot
{
    private static readonly Color[] s_palette = [Colors.SteelBlue, Colors.Crimson, Colors.DarkOrange, Colors.SeaGreen, Colors.Purple, Colors.Gray, Colors.Brown, Colors.Teal, Colors.Olive];

    public static void Save(ScaleFigures figures, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var panels = figures.Points.Where(p => p.X > 0).GroupBy(p => (p.Panel, p.Unit)).ToList();
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        for (var k = 0; k < panels.Count; k++)
        {
            var plot = multiplot.GetPlot(k);
            var panel = panels[k];
            var color = 0;
            foreach (var series in panel.GroupBy(p => p.Series))
            {
                var points = series.OrderBy(p => p.X).ToArray();
                var line = plot.Add.Scatter(points.Select(p => Math.Log10(p.X)).ToArray(), points.Select(p => p.Y).ToArray());
                line.LegendText = series.Key;
                line.Color = s_palette[color++ % s_palette.Length];
                line.LineWidth = 2;
                line.MarkerSize = 7;
            }
            var xs = panel.Select(p => p.X).Distinct().Order().ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs.Select(Math.Log10).ToArray(), xs.Select(x => x.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            plot.Axes.Margins(0.08, 0.15);
            plot.XLabel(panel.Key.Panel switch
            {
                "catalog" => "HTTP downstreams × 50 tools",
                "sessions" => "idle 2025 sessions (two replicas)",
                "streams" => "open notification streams",
                _ => "stdio downstreams",
            });
            plot.YLabel(panel.Key.Unit);
            plot.Title(k == 0 ? $"{title}\n{panel.Key.Panel} ({panel.Key.Unit})" : $"{panel.Key.Panel} ({panel.Key.Unit})");
            plot.ShowLegend(Alignment.UpperLeft);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1100, 330 * panels.Count);
    }
}
