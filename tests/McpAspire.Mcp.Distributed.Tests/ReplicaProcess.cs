using System.Diagnostics;
using System.Text;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>
/// A tool host replica in its own process (<c>dotnet McpAspire.ToolHost.dll --urls …</c> with the state service session
/// store), so a test can kill it with SIGKILL by PID: no drain, no disposal, sockets just die.
/// </summary>
internal sealed class ReplicaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ReplicaProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri McpUri => new(BaseAddress, "/mcp");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<ReplicaProcess> StartAsync(Uri stateAddress)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "McpAspire.ToolHost.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("The tool host is built next to the tests (project reference).", dll);
        }
        var port = McpAspire.TestSupport.FreePort.Next();
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
        start.Environment["ToolHost__SessionStore"] = "state";
        start.Environment["Mcp__StateStore__BaseAddress"] = stateAddress.ToString();
        start.Environment["Mcp__Endpoint__SessionTouchInterval"] = "00:00:00";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var replica = new ReplicaProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => replica.Append(e.Data);
        process.ErrorDataReceived += (_, e) => replica.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The tool host exited with {process.ExitCode}:\n{replica.Output}");
            }
            try
            {
                using var alive = await http.GetAsync(new Uri(replica.BaseAddress, "/alive"));
                if (alive.IsSuccessStatusCode)
                {
                    return replica;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await replica.DisposeAsync();
                throw new TimeoutException($"The tool host did not answer /alive within 30 s:\n{replica.Output}");
            }
            await Task.Delay(200);
        }
    }

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

    /// <summary>SIGKILL by PID, then waits for the process to be gone.</summary>
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
