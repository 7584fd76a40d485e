using System.Globalization;
using McpAspire.TestSupport;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// <c>gateway-scale</c> (issue 17): how the gateway grows with downstreams, tools, sessions and streams, each point in
/// one run, the gateway in its own process (<see cref="GatewayProcess"/>): catalog growth (1, 10, 100 HTTP servers × 50
/// tools), session growth (100, 1,000, 10,000 idle 2025 sessions over two replicas, state store on a real
/// redis-server), stream growth (10, 100, 1,000 GET and listen streams), stdio growth (1, 10, 25 stdio servers).
/// JSON lines, and a PNG (<c>--plot PATH</c>, default docs/bench/gateway-scale.png; <c>--quick</c>: small points, the
/// plot under the temp folder unless given). <c>--parts catalog,sessions,streams,stdio</c> picks parts.
/// </summary>
public sealed class GatewayScaleScenario : IScenario
{
    public string Name => ScaleFigures.Scenario;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var parts = Arg(args, "--parts")?.Split(',') ?? ["catalog", "sessions", "streams", "stdio"];
        var plotPath = Arg(args, "--plot") ?? (quick ? Path.Combine(Path.GetTempPath(), "gateway-scale-quick.png") : RepoPaths.Combine("docs", "bench", "gateway-scale.png"));
        int[] catalog = quick ? [1, 4] : [1, 10, 100];
        int[] sessions = quick ? [20, 100] : [100, 1_000, 10_000];
        int[] streams = quick ? [5, 20] : [10, 100, 1_000];
        int[] stdio = quick ? [1, 2] : [1, 10, 25];
        var listings = quick ? 10 : 100;
        var started = DateTime.UtcNow;
        var loadAtStart = MachineLoad.OneMinute();

        var figures = new ScaleFigures();
        using var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        if (parts.Contains("catalog"))
        {
            await CatalogGrowth.RunAsync(figures, catalog, listings, http, cancellationToken).ConfigureAwait(false);
        }
        if (parts.Contains("sessions") || parts.Contains("streams"))
        {
            await using var pair = await ReplicaPair.StartAsync(http, cancellationToken).ConfigureAwait(false);
            var made = await SessionGrowth.RunAsync(figures, pair, parts.Contains("sessions") ? sessions : [streams.Max()], http, cancellationToken).ConfigureAwait(false);
            if (parts.Contains("streams"))
            {
                await StreamGrowth.RunAsync(figures, pair, made, streams, http, cancellationToken).ConfigureAwait(false);
            }
        }
        if (parts.Contains("stdio"))
        {
            await StdioGrowth.RunAsync(figures, stdio, http, cancellationToken).ConfigureAwait(false);
        }

        var minutes = (DateTime.UtcNow - started).TotalMinutes;
        var loadAtEnd = MachineLoad.OneMinute();
        ScaleFigures.Note("load_average_start", loadAtStart, "load");
        ScaleFigures.Note("load_average_end", loadAtEnd, "load");
        ScaleFigures.Note("minutes", minutes, "min");
        var title = $"bench/run.sh gateway-scale {string.Join(' ', args)}: {started:yyyy-MM-dd HH:mm} UTC, load {loadAtStart:F1} → {loadAtEnd:F1} (2 cores, shared)";
        ScalePlot.Save(figures, title, plotPath);
        Console.Error.WriteLine($"plot: {plotPath}");
        BenchResult.ReportFooter(ScaleFigures.Scenario, figures.Errors);
        return figures.Errors == 0 ? 0 : 1;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
