using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>apphost-start</c>: the built McpAspire.AppHost (Release, dashboard included, random ports) started as a process,
/// timed from process start until it prints that every resource is healthy, then SIGTERMed and timed until it and every
/// process it had started are gone. Median of several runs (default 5; <c>--runs N</c>). Side by side, the baseline
/// starts the same service dlls and redis-server directly, all at once and without orchestration, and times them to
/// healthy and to exit after SIGTERM — the floor an orchestrator can approach on this machine.
/// </summary>
public sealed class AppHostStartScenario : IScenario
{
    private static readonly string[] s_services = ["McpAspire.StateService", "McpAspire.ToolHost", "McpAspire.Gateway", "McpAspire.Gateway", "McpAspire.Dashboard"];

    public string Name => "apphost-start";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = 5;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--runs" && (!int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out runs) || runs < 1))
            {
                Console.Error.WriteLine("--runs needs a positive number");
                return 2;
            }
        }
        var root = RepoRoot();
        var dll = Path.Combine(root, "McpAspire.AppHost", "bin", "Release", "net10.0", "McpAspire.AppHost.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"{dll} is missing (bench/run.sh builds it in Release).");
            return 2;
        }

        var starts = new List<double>();
        var reported = new List<double>();
        var stops = new List<double>();
        var rss = new List<double>();
        long errors = 0;
        // One unmeasured warm-up run: the first start pays for disk caches.
        for (var run = -1; run < runs; run++)
        {
            var result = await RunAppHostOnceAsync(dll, cancellationToken);
            if (result is null)
            {
                errors++;
                continue;
            }
            if (run >= 0)
            {
                starts.Add(result.Value.StartSeconds);
                reported.Add(result.Value.ReportedSeconds);
                stops.Add(result.Value.StopSeconds);
                rss.Add(result.Value.AppHostRssMiB);
            }
        }

        var baseStarts = new List<double>();
        var baseStops = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var result = await RunBaselineOnceAsync(root, cancellationToken);
            if (result is null)
            {
                errors++;
                continue;
            }
            baseStarts.Add(result.Value.StartSeconds);
            baseStops.Add(result.Value.StopSeconds);
        }

        if (starts.Count > 0)
        {
            BenchResult.Report(Name, "start_to_all_healthy", Median(starts), "s", baseStarts.Count > 0 ? Median(baseStarts) : null);
            BenchResult.Report(Name, "orchestrated_start_as_reported", Median(reported), "s");
            BenchResult.Report(Name, "stop_after_sigterm", Median(stops), "s", baseStops.Count > 0 ? Median(baseStops) : null);
            BenchResult.Report(Name, "apphost_peak_rss", Median(rss), "MiB");
            BenchResult.Report(Name, "runs", starts.Count, "count");
        }
        BenchResult.ReportFooter(Name, errors);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<(double StartSeconds, double ReportedSeconds, double StopSeconds, double AppHostRssMiB)?> RunAppHostOnceAsync(string dll, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["AppHost__RandomizePorts"] = "true";
        psi.Environment["NO_COLOR"] = "1";
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var healthy = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            // "All 5 resources healthy in 1.0 s:"
            if (e.Data is { } line && line.StartsWith("All ", StringComparison.Ordinal) && line.Contains("resources healthy in ", StringComparison.Ordinal))
            {
                var text = line[(line.IndexOf(" in ", StringComparison.Ordinal) + 4)..].Split(' ')[0];
                healthy.TrySetResult(double.Parse(text, CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(healthy.Task, process.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(120), ct));
        var startSeconds = sw.Elapsed.TotalSeconds;
        if (done != healthy.Task)
        {
            Console.Error.WriteLine("apphost-start: the AppHost did not become healthy");
            process.Kill(entireProcessTree: true);
            return null;
        }
        var tree = ProcessTree.Descendants(process.Id);
        var rss = ProcessTree.PeakRssMiB(process.Id);
        sw.Restart();
        ProcessTree.Signal(process.Id, 15);
        await process.WaitForExitAsync(ct);
        while (tree.Any(ProcessTree.IsAlive) && sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10, ct);
        }
        return (startSeconds, await healthy.Task, sw.Elapsed.TotalSeconds, rss);
    }

    private static async Task<(double StartSeconds, double StopSeconds)?> RunBaselineOnceAsync(string root, CancellationToken ct)
    {
        var processes = new List<Process>();
        var ports = new List<int>();
        var sw = Stopwatch.StartNew();
        try
        {
            var redisPort = FreePort();
            var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            redis.BeginOutputReadLine();
            processes.Add(redis);
            foreach (var service in s_services)
            {
                var port = FreePort();
                ports.Add(port);
                var psi = new ProcessStartInfo("dotnet", [Path.Combine(root, service, "bin", "Release", "net10.0", service + ".dll")])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = Path.Combine(root, service),
                };
                psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
                psi.Environment["ConnectionStrings__redis"] = $"127.0.0.1:{redisPort}";
                var p = Process.Start(psi)!;
                p.OutputDataReceived += (_, _) => { };
                p.ErrorDataReceived += (_, _) => { };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                processes.Add(p);
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var pending = new HashSet<int>(ports);
            while (pending.Count > 0)
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(120))
                {
                    return null;
                }
                foreach (var port in pending.ToList())
                {
                    try
                    {
                        using var r = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), ct);
                        if (r.IsSuccessStatusCode)
                        {
                            pending.Remove(port);
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                }
                await Task.Delay(50, ct);
            }
            var start = sw.Elapsed.TotalSeconds;
            sw.Restart();
            foreach (var p in processes)
            {
                ProcessTree.Signal(p.Id, 15);
            }
            await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(ct)));
            return (start, sw.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
                p.Dispose();
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
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
