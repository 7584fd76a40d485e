using System.Diagnostics;
using System.Text.Json.Nodes;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Catalog growth: a fresh gateway process per point with N HTTP downstreams × 50 tools (<see cref="ToolServers"/>):
/// <c>tools/list</c> through every page (2026-07-28 and on a 2025-11-25 session) p50/p99, the gateway's RSS, and the
/// time from one server's <c>list_changed</c> (a tool added) until the gateway's catalog (<c>/stats</c>) has it.
/// </summary>
public static class CatalogGrowth
{
    public static async Task RunAsync(ScaleFigures figures, int[] points, int listings, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(figures);
        await using var servers = await ToolServers.StartAsync(points.Max(), cancellationToken).ConfigureAwait(false);
        foreach (var n in points)
        {
            var config = new JsonObject();
            for (var i = 0; i < n; i++)
            {
                config[$"s{i}"] = new JsonObject { ["url"] = servers.Endpoint(i).ToString() };
            }
            var started = Stopwatch.StartNew();
            await using var gateway = await GatewayProcess.StartAsync(config).ConfigureAwait(false);
            var expected = n * ToolServers.ToolsPerServer;
            await gateway.WaitForStatsAsync(http, (tools, connected) => connected == n && tools >= expected, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            figures.Add("catalog", "start_until_listed", n, started.Elapsed.TotalMilliseconds, "ms");
            expected = (await gateway.StatsAsync(http, cancellationToken).ConfigureAwait(false)).Tools;

            var session = await SessionRequests.InitializeAsync(http, gateway.McpUri, cancellationToken).ConfigureAwait(false);
            foreach (var (label, sessionId) in new[] { ("tools_list_2026", (string?)null), ("tools_list_2025", session) })
            {
                var times = new List<double>(listings);
                for (var k = 0; k < listings + 5; k++)
                {
                    var t = Stopwatch.GetTimestamp();
                    var count = await ToolListing.ListAllAsync(http, gateway.McpUri, sessionId, cancellationToken).ConfigureAwait(false);
                    if (k >= 5)
                    {
                        times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    }
                    if (count != expected)
                    {
                        figures.Errors++;
                        Console.Error.WriteLine($"{label}: listed {count} tools, expected {expected}");
                    }
                }
                figures.Add("catalog", $"{label}_p50", n, Percentiles.Of(times, 50), "ms");
                figures.Add("catalog", $"{label}_p99", n, Percentiles.Of(times, 99), "ms");
            }
            figures.Add("catalog", "gateway_rss", n, gateway.RssBytes() / 1048576.0, "MiB");

            // list_changed → the new catalog: one server gains a tool; the gateway hears it on its session and re-lists.
            var propagation = new List<double>();
            for (var k = 0; k < 5; k++)
            {
                var target = expected + 1;
                var t = Stopwatch.GetTimestamp();
                servers.AddTool(k % n);
                await gateway.WaitForStatsAsync(http, (tools, _) => tools >= target, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(2), cancellationToken).ConfigureAwait(false);
                propagation.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                expected = target;
            }
            figures.Add("catalog", "list_changed_to_catalog_p50", n, Percentiles.Of(propagation, 50), "ms");
            figures.Add("catalog", "list_changed_to_catalog_max", n, propagation.Max(), "ms");
            ScaleFigures.Note($"catalog_load_average_{n}", MachineLoad.OneMinute(), "load");
            Console.Error.WriteLine($"catalog {n} servers ({expected} tools): done");
        }
    }
}
