using System.Diagnostics;

namespace McpAspire.TestSupport;

/// <summary>
/// One of our web apps in its own OS process (<c>dotnet X.dll --urls http://127.0.0.1:port</c>, the dll built next to
/// the tests by a project reference), so a test can SIGKILL it by PID: no drain, no disposal, sockets just die.
/// Ready once <c>/alive</c> answers; its output is kept for failure messages.
/// </summary>
public sealed class DotnetAppProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;

    private DotnetAppProcess(CapturedProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public Uri McpUri => new(BaseAddress, "/mcp");

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => _process.Output;

    /// <summary>Starts <paramref name="dllName"/> from the test's output folder with the given environment and waits for <c>/alive</c>.</summary>
    public static async Task<DotnetAppProcess> StartAsync(string dllName, IReadOnlyDictionary<string, string> environment, TimeSpan? readyTimeout = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, dllName);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The app is built next to the tests (project reference).", dll);
        }
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        var app = new DotnetAppProcess(CapturedProcess.Start(start, environment), new Uri($"http://127.0.0.1:{port}/"));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await app._process.WaitReadyAsync(dllName, "answer /alive", async () =>
        {
            try
            {
                using var alive = await http.GetAsync(new Uri(app.BaseAddress, "/alive"));
                return alive.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, readyTimeout ?? TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        return app;
    }

    /// <summary>SIGKILL by PID, then waits for the process to be gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
