using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using McpAspire.TestSupport;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>apphost-start</c>: our AppHost (Release, Aspire with DCP and the dashboard: Redis, state service, tool host, two
/// gateway replicas) against the platform's floor, a minimal Aspire AppHost with one project (bench/MinimalAppHost), in
/// one run. Each is started as a user runs it (<c>dotnet App.dll</c> in its own process group, free ports) and timed
/// until everything is healthy: its stable port answers <c>/health</c> and every service process under it (ours: two
/// gateway replicas, the state service and the tool host; the floor: its one project) answers its own <c>/health</c>
/// with 200 and no check Degraded or Unhealthy (so the gateway counts only once it is connected to the tool host, and
/// the state service only once it is subscribed to Redis). Then it is SIGTERMed as a group and timed until the
/// AppHost, DCP and every process under them are gone. Median of several runs (default 3, <c>--runs N</c>) after one
/// warm-up each. Also reports the CPU seconds (user + system) every process of the tree had spent when all was healthy,
/// in total and per resource (<c>cpu_to_all_healthy_*</c>: apphost, platform = DCP + dashboard, each service), which
/// depend far less on machine load than wall time, and the 1-minute load average before and after.
/// </summary>
public sealed class AppHostStartScenario : IScenario
{
    public string Name => "apphost-start";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = 3;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--runs" && (!int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out runs) || runs < 1))
            {
                Console.Error.WriteLine("--runs needs a positive number");
                return 2;
            }
        }
        var root = RepoRoot();
        var ours = Path.Combine(root, "McpAspire.AppHost", "bin", "Release", "net10.0", "McpAspire.AppHost.dll");
        var floor = Path.Combine(root, "bench", "MinimalAppHost", "bin", "Release", "net10.0", "MinimalAppHost.dll");
        foreach (var dll in new[] { ours, floor })
        {
            if (!File.Exists(dll))
            {
                Console.Error.WriteLine($"{dll} is missing (bench/run.sh builds it in Release).");
                return 2;
            }
        }

        long errors = 0;
        var results = new Dictionary<string, (List<double> Start, List<double> Stop, List<double> Left)>
        {
            ["ours"] = ([], [], []),
            ["floor"] = ([], [], []),
        };
        // CPU seconds until all healthy: the whole tree, and per resource (ours: apphost, platform, each service).
        var cpu = new Dictionary<string, Dictionary<string, List<double>>> { ["ours"] = [], ["floor"] = [] };
        var loadBefore = MachineLoad.OneMinute();
        // Alternate ours and the floor so a change in machine load hits both; the first round warms disk caches.
        for (var run = -1; run < runs; run++)
        {
            foreach (var (name, dll, portArg, services) in new[] { ("ours", ours, "--Gateway:Port", 4), ("floor", floor, "--Port", 1) })
            {
                var result = await RunOnceAsync(dll, portArg, services, cancellationToken);
                if (result is null)
                {
                    errors++;
                    continue;
                }
                if (run >= 0)
                {
                    results[name].Start.Add(result.Value.StartSeconds);
                    results[name].Stop.Add(result.Value.StopSeconds);
                    results[name].Left.Add(result.Value.Left);
                    foreach (var (resource, seconds) in result.Value.Cpu.ByResource.Append(new("total", result.Value.Cpu.Total)))
                    {
                        if (!cpu[name].TryGetValue(resource, out var list))
                        {
                            cpu[name][resource] = list = [];
                        }
                        list.Add(seconds);
                    }
                }
            }
        }

        var (oursStart, oursStop, oursLeft) = results["ours"];
        var (floorStart, floorStop, floorLeft) = results["floor"];
        if (oursStart.Count > 0 && floorStart.Count > 0)
        {
            BenchResult.Report(Name, "start_to_all_healthy", Median(oursStart), "s", Median(floorStart));
            BenchResult.Report(Name, "stop_to_no_process_left", Median(oursStop), "s", Median(floorStop));
            BenchResult.Report(Name, "stop_minus_floor", Median(oursStop) - Median(floorStop), "s");
            BenchResult.Report(Name, "processes_left_after_stop", oursLeft.Sum() + floorLeft.Sum(), "count");
            BenchResult.Report(Name, "runs", oursStart.Count, "count");
            BenchResult.Report(Name, "cpu_to_all_healthy", Median(cpu["ours"]["total"]), "s", Median(cpu["floor"]["total"]));
            foreach (var (resource, list) in cpu["ours"].Where(r => r.Key != "total").OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                BenchResult.Report(Name, $"cpu_to_all_healthy_{resource}", Median(list), "s",
                    cpu["floor"].TryGetValue(resource, out var floorList) ? Median(floorList) : null);
            }
            BenchResult.Report(Name, "load_average_1m_before", loadBefore, "load");
            BenchResult.Report(Name, "load_average_1m_after", MachineLoad.OneMinute(), "load");
        }
        BenchResult.ReportFooter(Name, errors);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<(double StartSeconds, double StopSeconds, int Left, (double Total, Dictionary<string, double> ByResource) Cpu)?> RunOnceAsync(string dll, string portArg, int services, CancellationToken ct)
    {
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("setsid", ["dotnet", dll, $"{portArg}={port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort.Next()}";
        psi.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}";
        psi.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}";
        psi.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var healthy = false;
        while (!healthy && sw.Elapsed < TimeSpan.FromSeconds(180) && !process.HasExited)
        {
            healthy = await HealthyAsync(http, new Uri($"http://localhost:{port}/health"), ct);
            if (healthy)
            {
                var urls = ServiceUrls(process.Id);
                healthy = urls.Count >= services;
                foreach (var url in urls)
                {
                    healthy = healthy && await HealthyAsync(http, new Uri(url, "/health"), ct);
                }
            }
            if (!healthy)
            {
                await Task.Delay(50, ct);
            }
        }
        var startSeconds = sw.Elapsed.TotalSeconds;
        var cpu = ProcessCpu.Snapshot(process.Id);
        // The AppHost itself, its descendants, and DCP (detached) with everything under it.
        List<int> tree = [process.Id, .. ProcessTable.AppHostTree(process.Id)];
        sw.Restart();
        using (var kill = Process.Start("kill", ["-TERM", "--", $"-{process.Id.ToString(CultureInfo.InvariantCulture)}"]))
        {
            kill.WaitForExit();
        }
        while (tree.Any(ProcessTable.IsAlive) && sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20, ct);
        }
        var stopSeconds = sw.Elapsed.TotalSeconds;
        var left = tree.Count(ProcessTable.IsAlive);
        foreach (var pid in tree.Where(ProcessTable.IsAlive))
        {
            using var kill9 = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
            kill9.WaitForExit();
        }
        if (!healthy)
        {
            Console.Error.WriteLine($"apphost-start: {Path.GetFileName(dll)} did not become healthy");
            return null;
        }
        if (left > 0)
        {
            Console.Error.WriteLine($"apphost-start: {left} process(es) of {Path.GetFileName(dll)} left 60 s after SIGTERM");
        }
        return (startSeconds, stopSeconds, left, cpu);
    }

    /// <summary>200 and nothing Degraded or Unhealthy in the report (ours write JSON with each check's status).</summary>
    private static async Task<bool> HealthyAsync(HttpClient http, Uri uri, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(uri, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return response.IsSuccessStatusCode && !body.Contains("Degraded", StringComparison.Ordinal) && !body.Contains("Unhealthy", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The distinct HTTP URLs of the service processes under the AppHost (from their ASPNETCORE_URLS / HTTP_PORTS).</summary>
    private static List<Uri> ServiceUrls(int appHost)
    {
        var urls = new HashSet<Uri>();
        foreach (var pid in ProcessTable.AppHostTree(appHost).Where(p => p != appHost))
        {
            try
            {
                // Processes inherit the AppHost's environment: a project resource is told its service name by Aspire
                // (OTEL_SERVICE_NAME); the dashboard is not one of the app's resources.
                var environment = ProcessTable.Environment(pid);
                if (!environment.ContainsKey("OTEL_SERVICE_NAME") || environment.ContainsKey("DASHBOARD__FRONTEND__BROWSERTOKEN"))
                {
                    continue;
                }
                if (environment.TryGetValue("ASPNETCORE_URLS", out var value)
                    && value.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal)) is { } first)
                {
                    urls.Add(new Uri(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)));
                }
                else if (environment.TryGetValue("HTTP_PORTS", out var ports))
                {
                    urls.Add(new Uri($"http://localhost:{ports.Split(';')[0]}"));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return [.. urls];
    }


    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpAspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("McpAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
