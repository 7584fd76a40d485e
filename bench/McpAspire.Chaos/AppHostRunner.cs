using System.Diagnostics;
using System.Globalization;
using McpAspire.TestSupport;

namespace McpAspire.Chaos;

/// <summary>
/// The built AppHost as a user runs it (<c>dotnet McpAspire.AppHost.dll</c> in its own process group), with Redis
/// persistence on (its append-only file in a temporary folder) and the soak's servers file; stopped with SIGTERM to
/// the group, survivors killed.
/// </summary>
public sealed class AppHostRunner : IAsyncDisposable
{
    private readonly CapturedProcess _process;
    private readonly string _work;

    private AppHostRunner(CapturedProcess process, string work, int gatewayPort)
    {
        _process = process;
        _work = work;
        GatewayUrl = new Uri($"http://localhost:{gatewayPort.ToString(CultureInfo.InvariantCulture)}/");
    }

    public int Pid => _process.Pid;

    public Uri GatewayUrl { get; }

    public Uri McpUrl => new(GatewayUrl, "mcp");

    public string Output => _process.Output;

    /// <summary>The AppHost dll next to this program's build (same configuration).</summary>
    public static string Dll => RepoPaths.Combine("McpAspire.AppHost", "bin", Configuration, "net10.0", "McpAspire.AppHost.dll");

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Starts the AppHost with the servers file at <paramref name="serversFile"/>; <paramref name="work"/> holds Redis's data.</summary>
    public static AppHostRunner Start(string work, string serversFile)
    {
        var gatewayPort = FreePort.Next();
        var start = new ProcessStartInfo("setsid",
        [
            "dotnet", Dll, $"--Gateway:Port={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
            "--AppHost:Redis:Persistent=true", $"--AppHost:Redis:DataDirectory={Path.Combine(work, "redis")}",
            $"--Gateway:ServersFile={serversFile}",
        ])
        {
            WorkingDirectory = RepoPaths.Combine("McpAspire.AppHost"),
        };
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://localhost:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        };
        return new AppHostRunner(CapturedProcess.Start(start, environment), work, gatewayPort);
    }

    /// <summary>Waits until <paramref name="health"/> finds nothing unhealthy (everything started and connected).</summary>
    public async Task WaitUntilServingAsync(HealthProbe health, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(health);
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<string> unhealthy = ["not looked"];
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The AppHost exited:\n" + Output);
            }
            unhealthy = await health.UnhealthyAsync().ConfigureAwait(false);
            if (unhealthy.Count == 0)
            {
                return;
            }
            await Task.Delay(500).ConfigureAwait(false);
        }
        throw new TimeoutException($"The app was not serving within {timeout} ({string.Join(", ", unhealthy)}):\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            var tree = ProcessTable.AppHostTree(Pid);
            using (var term = Process.Start("kill", ["-TERM", "--", $"-{Pid.ToString(CultureInfo.InvariantCulture)}"])!)
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }
            foreach (var pid in await ProcessTable.WaitForExitAsync([Pid, .. tree], TimeSpan.FromSeconds(60)).ConfigureAwait(false))
            {
                using var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        await _process.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
