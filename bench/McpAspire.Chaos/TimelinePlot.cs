using ScottPlot;

namespace McpAspire.Chaos;

/// <summary>The soak's timeline (ScottPlot): answered requests and errors per second, each fault a dashed line, its recovery shaded.</summary>
public static class TimelinePlot
{
    public static void Save(ChaosSummary summary, string path)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var buckets = ChaosReport.Buckets(summary.Requests).ToList();
        var plot = new Plot();
        if (buckets.Count > 0)
        {
            var xs = buckets.Select(b => (double)b.T).ToArray();
            var ok = plot.Add.ScatterLine(xs, buckets.Select(b => (double)b.Ok).ToArray());
            ok.LegendText = "answered OK / s";
            ok.Color = Colors.SteelBlue;
            ok.LineWidth = 1.5f;
            var errors = plot.Add.ScatterLine(xs, buckets.Select(b => (double)b.Errors).ToArray());
            errors.LegendText = "errors / s";
            errors.Color = Colors.Crimson;
            errors.LineWidth = 1.5f;
        }
        foreach (var fault in summary.Faults)
        {
            var color = fault.Kind == FaultKind.KillGatewayReplica ? Colors.Gray : Colors.DarkOrange;
            if (fault.RecoverySeconds is { } recovery)
            {
                var span = plot.Add.HorizontalSpan(fault.Start, fault.End + recovery);
                span.FillStyle.Color = color.WithAlpha(0.15);
                span.LineStyle.Width = 0;
            }
            var line = plot.Add.VerticalLine(fault.Start);
            line.Color = color;
            line.LinePattern = LinePattern.Dashed;
            line.LabelText = $"{fault.Index} {Label(fault.Kind)}";
        }
        plot.Title($"Chaos soak: {summary.Options.Duration.TotalMinutes:0.#} min, seed {summary.Options.Seed} "
            + $"({summary.Ledger.SentCount} messages, {summary.Ledger.Lost} lost, {summary.Ledger.Duplicated} dup; {summary.Hung} hung; "
            + $"{summary.ErrorsOutsideWindows.Count} errors outside fault windows)");
        plot.XLabel("seconds into the soak (shaded: fault until recovered)");
        plot.YLabel("requests per second");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1600, 600);
    }

    private static string Label(FaultKind kind) => kind switch
    {
        FaultKind.KillGatewayReplica => "gw",
        FaultKind.KillToolHost => "toolhost kill",
        FaultKind.KillStateService => "statesvc kill",
        FaultKind.StopStateService => "statesvc stop 5s",
        FaultKind.RestartRedis => "redis restart",
        FaultKind.ReplaceStdioServer => "stdio replace",
        _ => kind.ToString(),
    };
}
