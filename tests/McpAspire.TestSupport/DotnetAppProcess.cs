using System.Diagnostics;
using System.Text;

namespace McpAspire.TestSupport;

/// <summary>
/// One of our web apps in its own OS process (<c>dotnet X.dll --urls http://127.0.0.1:port</c>, the dll built next to
/// the tests by a project reference), so a test can SIGKILL it by PID: no drain, no disposal, sockets just die.
/// Ready once <c>/alive</c> answers; its output is kept for failure messages.
/// </summary>
public sealed class DotnetAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DotnetAppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public Uri McpUri => new(BaseAddress, "/mcp");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
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

    /// <summary>Starts <paramref name="dllName"/> from the test's output folder with the given environment and waits for <c>/alive</c>.</summary>
    public static async Task<DotnetAppProcess> StartAsync(string dllName, IReadOnlyDictionary<string, string> environment, TimeSpan? readyTimeout = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, dllName);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The app is built next to the tests (project reference).", dll);
        }
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new DotnetAppProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var wait = readyTimeout ?? TimeSpan.FromSeconds(30);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{dllName} exited with {process.ExitCode}:\n{app.Output}");
            }
            try
            {
                using var alive = await http.GetAsync(new Uri(app.BaseAddress, "/alive"));
                if (alive.IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"{dllName} did not answer /alive within {wait.TotalSeconds} s:\n{app.Output}");
            }
            await Task.Delay(200);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>SIGKILL by PID (<see cref="Process.Kill(bool)"/> sends SIGKILL on Unix), then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
