using System.Diagnostics;
using System.Text;

namespace McpAspire.TestSupport;

/// <summary>
/// A long-running child process started by a test: stdout and stderr kept for failure messages, ready when a probe
/// says so, ended with SIGKILL by its PID (a crash, as far as its peers can tell). The process wrappers
/// (<see cref="DotnetAppProcess"/>, <see cref="NodeServerProcess"/>) add how they start and what "ready" means.
/// </summary>
public sealed class CapturedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CapturedProcess(Process process)
    {
        _process = process;
    }

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

    /// <summary>Starts <paramref name="start"/> (its output redirected here) with <paramref name="environment"/> added.</summary>
    public static CapturedProcess Start(ProcessStartInfo start, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(environment);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var captured = new CapturedProcess(process);
        process.OutputDataReceived += (_, e) => captured.Append(e.Data);
        process.ErrorDataReceived += (_, e) => captured.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return captured;
    }

    /// <summary>
    /// Polls <paramref name="ready"/> every <paramref name="interval"/> until it is true; kills the process and throws
    /// with its output when it exits first or <paramref name="wait"/> passes.
    /// </summary>
    public async Task WaitReadyAsync(string name, string readiness, Func<Task<bool>> ready, TimeSpan wait, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {_process.ExitCode}:\n{Output}");
            }
            if (await ready())
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                await DisposeAsync();
                throw new TimeoutException($"{name} did not {readiness} within {wait.TotalSeconds} s:\n{Output}");
            }
            await Task.Delay(interval);
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
