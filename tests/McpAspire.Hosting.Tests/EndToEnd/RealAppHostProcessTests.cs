using System.Diagnostics;
using System.Text;
using McpAspire.Hosting.Tests.Infrastructure;
using McpAspire.TestSupport;

namespace McpAspire.Hosting.Tests.EndToEnd;

/// <summary>
/// The built McpAspire.AppHost run as its own process (what <c>dotnet run --project McpAspire.AppHost</c> runs after
/// building), dashboard included, on random ports. Whatever way it ends — SIGTERM or SIGKILL — no process of the app
/// may be left, checked by PID over the whole process tree it had.
/// </summary>
public sealed class RealAppHostProcessTests
{
    [Fact]
    public async Task After_SIGTERM_the_AppHost_stops_everything_in_order_and_exits()
    {
        await using var host = await RunningAppHost.StartAsync();
        var tree = host.Tree;
        Assert.True(tree.Count >= 7, "expected redis, statesvc, toolhost, 2 gateways, dashboard and the watchdog; saw " + ProcessTable.Describe(tree));

        await AssertDashboardContractAsync(host);

        host.Signal(15);
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(20)), "AppHost did not exit after SIGTERM:\n" + host.Output);
        Assert.Equal(0, host.ExitCode);
        var survivors = await ProcessTable.WaitForExitAsync(tree, TimeSpan.FromSeconds(3));
        Assert.True(survivors.Count == 0, "still running after SIGTERM: " + ProcessTable.Describe(survivors));
        Assert.Contains("SIGTERM received", host.Output, StringComparison.Ordinal);
    }

    /// <summary>The dashboard process received the resource service's address and key, and they work; services export to it.</summary>
    private static async Task AssertDashboardContractAsync(RunningAppHost host)
    {
        var dashboard = host.Tree.Single(p => ProcessTable.CommandLine(p).Contains("McpAspire.Dashboard.dll", StringComparison.Ordinal));
        var env = ProcessTable.Environment(dashboard);
        using var http = new HttpClient { BaseAddress = new Uri(env["ResourceService__Url"]) };
        http.DefaultRequestHeaders.Add("x-resource-service-key", env["ResourceService__ApiKey"]);
        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/resources", UriKind.Relative)));
        Assert.Equal(["dashboard", "gateway", "redis", "statesvc", "toolhost"], doc.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
        Assert.All(doc.RootElement.EnumerateArray(), r => Assert.Equal("Running", r.GetProperty("state").GetString()));
        Assert.Contains($"/login?t={env["Dashboard__Frontend__BrowserToken"]}", host.Output, StringComparison.Ordinal);

        var gateway = host.Tree.First(p => ProcessTable.CommandLine(p).Contains("McpAspire.Gateway.dll", StringComparison.Ordinal));
        var gatewayEnv = ProcessTable.Environment(gateway);
        var dashboardUrl = doc.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "dashboard").GetProperty("endpoints")[0].GetProperty("url").GetString();
        Assert.Equal(dashboardUrl, gatewayEnv["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal($"x-otlp-api-key={env["Dashboard__Otlp__ApiKey"]}", gatewayEnv["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        // Local runs serve /mcp anonymously (the manifest test below checks that publish mode does not).
        Assert.Equal("true", gatewayEnv["Gateway__Auth__AllowAnonymous"]);
    }

    [Fact]
    public async Task After_SIGKILL_of_the_AppHost_the_watchdog_ends_every_child()
    {
        await using var host = await RunningAppHost.StartAsync();
        var tree = host.Tree;
        host.Signal(9);
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        // The watchdog sends TERM, then KILL two seconds later.
        var survivors = await ProcessTable.WaitForExitAsync(tree, TimeSpan.FromSeconds(10));
        Assert.True(survivors.Count == 0, "still running after the AppHost was SIGKILLed: " + ProcessTable.Describe(survivors));
    }

    [Fact]
    public async Task The_publisher_switch_writes_a_manifest_and_exits_without_starting_anything()
    {
        var dir = Directory.CreateTempSubdirectory("mcpaspire-manifest-").FullName;
        try
        {
            var output = Path.Combine(dir, "aspire-manifest.json");
            using var process = Process.Start(RunningAppHost.StartInfo(["--publisher", "manifest", "--output-path", output]))!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(cts.Token);
            Assert.True(process.ExitCode == 0, await stdout + await stderr);
            Assert.True(File.Exists(output));
            var manifest = await File.ReadAllTextAsync(output);
            Assert.Contains("\"project.v0\"", manifest, StringComparison.Ordinal);
            Assert.DoesNotContain("AllowAnonymous", manifest, StringComparison.Ordinal);

            using var bad = Process.Start(RunningAppHost.StartInfo(["--publisher", "manifest"]))!;
            var badOut = bad.StandardOutput.ReadToEndAsync();
            var badErr = await bad.StandardError.ReadToEndAsync();
            await bad.WaitForExitAsync(cts.Token);
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("--output-path", badErr + await badOut, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class RunningAppHost : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource _healthy = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private RunningAppHost(Process process)
        {
            _process = process;
        }

        public IReadOnlyList<int> Tree { get; private set; } = [];

        public int ExitCode => _process.ExitCode;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static ProcessStartInfo StartInfo(string[] args)
        {
            var configuration = typeof(RealAppHostProcessTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
                .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";
            var dll = RepoPaths.Combine("McpAspire.AppHost", "bin", configuration, "net10.0", "McpAspire.AppHost.dll");
            if (!File.Exists(dll))
            {
                throw new InvalidOperationException($"{dll} is missing: build McpAspire.AppHost ({configuration}).");
            }
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepoPaths.Root,
            };
            psi.ArgumentList.Add(dll);
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            // Random ports so a developer's running AppHost (7080, 18888) does not collide with the test.
            psi.Environment["AppHost__RandomizePorts"] = "true";
            psi.Environment["NO_COLOR"] = "1";
            return psi;
        }

        public static async Task<RunningAppHost> StartAsync()
        {
            var process = Process.Start(StartInfo([]))!;
            var host = new RunningAppHost(process);
            void OnLine(string? line)
            {
                if (line is null)
                {
                    return;
                }
                lock (host._output)
                {
                    host._output.AppendLine(line);
                }
                if (line.StartsWith("All ", StringComparison.Ordinal) && line.Contains("resources healthy", StringComparison.Ordinal))
                {
                    host._healthy.TrySetResult();
                }
            }
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(host._healthy.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
            if (first != host._healthy.Task)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException($"The AppHost did not report all resources healthy ({(first == exited ? "it exited" : "timeout")}):\n{host.Output}");
            }
            host.Tree = ProcessTable.Descendants(process.Id);
            return host;
        }

        public void Signal(int signal)
        {
            using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Signal(15);
                if (!await WaitForExitAsync(TimeSpan.FromSeconds(15)))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            // Whatever a failed test left: end it by PID.
            foreach (var pid in Tree.Where(ProcessTable.IsAlive))
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                }
            }
            _process.Dispose();
        }
    }
}
