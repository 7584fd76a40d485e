namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Stream growth: N open GET streams on idle 2025-11-25 sessions, then N 2026-07-28 <c>subscriptions/listen</c>
/// streams, half on each replica; the downstream gains a tool (it sends <c>list_changed</c> to both replicas'
/// sessions with it) and each stream's delay until it sees <c>notifications/tools/list_changed</c> is taken, three
/// rounds per point: p50, p99 and max over all rounds, and how many streams were not notified within 10 s.
/// </summary>
public static class StreamGrowth
{
    private const int Rounds = 3;

    public static async Task RunAsync(ScaleFigures figures, ReplicaPair pair, IReadOnlyList<(string Id, int Replica)> sessions, int[] points, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(sessions);
        foreach (var kind in new[] { "get_2025", "listen_2026" })
        {
            await using var streams = new NotificationStreams(http);
            foreach (var n in points)
            {
                while (streams.Count < n)
                {
                    var k = streams.Count;
                    var (id, replica) = kind == "get_2025" ? sessions[k] : (null!, k % 2);
                    await streams.OpenAsync(pair.Gateways[replica].McpUri, id, cancellationToken).ConfigureAwait(false);
                }
                var delays = new List<double>();
                var missed = 0;
                for (var r = 0; r < Rounds; r++)
                {
                    var start = streams.BeginRound();
                    pair.Servers.AddTool(0);
                    var round = await streams.EndRoundAsync(start, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                    missed += round.Count(double.IsNaN);
                    delays.AddRange(round.Where(d => !double.IsNaN(d)));
                    // Let both replicas finish re-listing (a late duplicate must not count for the next round).
                    await Task.Delay(300, cancellationToken).ConfigureAwait(false);
                }
                figures.Add("streams", $"{kind}_notified_p50", n, Percentiles.Of(delays, 50), "ms");
                figures.Add("streams", $"{kind}_notified_p99", n, Percentiles.Of(delays, 99), "ms");
                figures.Add("streams", $"{kind}_notified_max", n, delays.Count == 0 ? 0 : delays.Max(), "ms");
                ScaleFigures.Note($"streams_{kind}_missed_{n}", missed, "streams");
                ScaleFigures.Note($"streams_{kind}_gateways_rss_{n}", pair.GatewaysRssBytes() / 1048576.0, "MiB");
                ScaleFigures.Note($"streams_load_average_{n}", MachineLoad.OneMinute(), "load");
                figures.Errors += missed;
                Console.Error.WriteLine($"streams {kind} {n}: p99 {Percentiles.Of(delays, 99):F0} ms, missed {missed}");
            }
        }
    }
}
