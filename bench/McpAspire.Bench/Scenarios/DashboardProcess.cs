using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace McpAspire.Bench.Scenarios;

/// <summary>The dashboard as its own process on a free loopback port (unsecured, storage capped), stopped by PID.</summary>
internal sealed class DashboardProcess : IDisposable
{
    private readonly Process _process;

    private DashboardProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<DashboardProcess> StartAsync(int maxSpans, CancellationToken cancellationToken)
    {
        var dll = FindDashboardDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Dashboard__Unsecured"] = "true";
        start.Environment["Dashboard__Storage__MaxSpans"] = maxSpans.ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Lets a run compare GC modes without a rebuild (BENCH_DASHBOARD_GCSERVER=0|1).
        if (Environment.GetEnvironmentVariable("BENCH_DASHBOARD_GCSERVER") is { Length: > 0 } gcServer)
        {
            start.Environment["DOTNET_gcServer"] = gcServer;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the dashboard");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("dashboard: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new DashboardProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = result.Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return result;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                result.Dispose();
                throw new InvalidOperationException($"the dashboard ({dll}) did not become healthy on port {port}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    public long PeakRssBytes() => ReadStatus("VmHWM:");

    public long CurrentRssBytes() => ReadStatus("VmRSS:");

    private long ReadStatus(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    private static string FindDashboardDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpAspire.sln")))
            {
                foreach (var configuration in new[] { "Release", "Debug" })
                {
                    var dll = Path.Combine(dir.FullName, "McpAspire.Dashboard", "bin", configuration, "net10.0", "McpAspire.Dashboard.dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                }
                throw new FileNotFoundException("McpAspire.Dashboard.dll is not built (bench/run.sh builds it with the bench).");
            }
        }
        throw new DirectoryNotFoundException("McpAspire.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
