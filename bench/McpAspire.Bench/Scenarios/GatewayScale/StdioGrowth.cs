using System.Diagnostics;
using System.Text.Json.Nodes;
using McpAspire.TestSupport;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Stdio growth: a fresh gateway process per point with N stdio downstreams (the npm
/// <c>@modelcontextprotocol/server-memory</c> on Node 22 from tests/node, each its own child process): the time from
/// starting the gateway until all N are connected and listed, the gateway's RSS and its children's, then every server
/// removed from the servers file: the time until no child process is left, and how many were left after 30 s.
/// </summary>
public static class StdioGrowth
{
    public static async Task RunAsync(ScaleFigures figures, int[] points, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var script = NodePeers.PackageFile("@modelcontextprotocol/server-memory", "dist/index.js");
        var data = Directory.CreateTempSubdirectory("gateway-scale-memory-").FullName;
        try
        {
            foreach (var n in points)
            {
                var config = new JsonObject();
                for (var i = 0; i < n; i++)
                {
                    config[$"m{i}"] = new JsonObject
                    {
                        ["command"] = NodePeers.NodeExecutable,
                        ["args"] = new JsonArray(script),
                        ["env"] = new JsonObject { ["MEMORY_FILE_PATH"] = Path.Combine(data, $"m{i}.jsonl") },
                    };
                }
                var started = Stopwatch.StartNew();
                await using var gateway = await GatewayProcess.StartAsync(config).ConfigureAwait(false);
                await gateway.WaitForStatsAsync(http, (tools, connected) => connected == n && tools > 0, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
                figures.Add("stdio", "start_until_listed", n, started.Elapsed.TotalMilliseconds, "ms");
                var children = ProcessTable.Descendants(gateway.Pid);
                figures.Add("stdio", "gateway_rss", n, gateway.RssBytes() / 1048576.0, "MiB");
                ScaleFigures.Note($"stdio_children_rss_{n}", children.Sum(GatewayProcess.Rss) / 1048576.0, "MiB");
                ScaleFigures.Note($"stdio_child_processes_{n}", children.Count, "processes");

                // Removed from the servers file: every child is ended (reaped), none left behind.
                var removed = Stopwatch.StartNew();
                gateway.SetServers(new JsonObject());
                var left = await ProcessTable.WaitForExitAsync(children, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                figures.Add("stdio", "removed_until_reaped", n, removed.Elapsed.TotalMilliseconds, "ms");
                var after = ProcessTable.Descendants(gateway.Pid);
                ScaleFigures.Note($"stdio_child_processes_left_{n}", after.Count + left.Count, "processes");
                ScaleFigures.Note($"stdio_load_average_{n}", MachineLoad.OneMinute(), "load");
                figures.Errors += after.Count + left.Count;
                Console.Error.WriteLine($"stdio {n}: {children.Count} children, {after.Count + left.Count} left after removal");
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
