using System.Diagnostics;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The built AppHost (<c>McpAspire.AppHost.dll</c>) as a user runs it: its own process group (through <c>setsid</c>), DCP,
/// the dashboard, Redis and the services on free ports. Stopped with SIGTERM to the process group, as a terminal's Ctrl+C
/// or a service manager stops it.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private AppHostProcess(CapturedProcess process, int gatewayPort, int dashboardPort)
    {
        _process = process;
        GatewayUrl = new Uri($"http://localhost:{gatewayPort}/");
        DashboardUrl = new Uri($"http://localhost:{dashboardPort}/");
    }

    public int Pid => _process.Pid;

    public Uri GatewayUrl { get; }

    public Uri DashboardUrl { get; }

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    /// <summary>The AppHost dll next to the test's build (same configuration).</summary>
    public static string Dll => RepoPaths.Combine("McpAspire.AppHost", "bin", Configuration, "net10.0", "McpAspire.AppHost.dll");

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Starts the AppHost with <paramref name="args"/> (its gateway and dashboard ports are chosen here).</summary>
    public static AppHostProcess Start(params string[] args)
    {
        var gatewayPort = FreePort.Next();
        var dashboardPort = FreePort.Next();
        var start = new ProcessStartInfo("setsid", ["dotnet", Dll, $"--Gateway:Port={gatewayPort}", .. args])
        {
            WorkingDirectory = RepoPaths.Combine("McpAspire.AppHost"),
        };
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://localhost:{dashboardPort}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next()}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        };
        return new AppHostProcess(CapturedProcess.Start(start, environment), gatewayPort, dashboardPort);
    }

    /// <summary>Waits until the gateway answers through the front port with its tool host connected (everything is up).</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(HasExited, "The AppHost exited:\n" + Output);
            try
            {
                if ((await http.GetStringAsync(new Uri(GatewayUrl, "stats"))).Contains("\"status\":\"connected\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not up yet.
            }
            Assert.True(DateTime.UtcNow < deadline, $"The app did not serve within {timeout}:\n" + Output);
            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM to the AppHost's process group.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", "--", $"-{Pid}"]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            var tree = ProcessTable.AppHostTree(Pid);
            Terminate();
            var survivors = await ProcessTable.WaitForExitAsync([Pid, .. tree], TimeSpan.FromSeconds(60));
            foreach (var pid in survivors)
            {
                using var kill = Process.Start("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
        }
        await _process.DisposeAsync();
    }
}
