using System.ComponentModel;
using System.Diagnostics;

namespace McpAspire.Hosting.Processes;

/// <summary>
/// One started process in its own process group, with its output delivered line by line. Stopping sends SIGTERM to
/// the whole group, waits, then SIGKILLs the group, so grandchildren go with it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownGroup;

    private ChildProcess(Process process, bool ownGroup)
    {
        _process = process;
        _ownGroup = ownGroup;
    }

    /// <summary>The PID (also the process-group id when started through <c>setsid</c>).</summary>
    public int Pid { get; private set; }

    /// <summary>Completes with the exit code when the process exits.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts the process; <paramref name="onOutput"/> receives (line, isError).</summary>
    public static ChildProcess Start(ProcessSpec spec, Action<string, bool> onOutput, ProcessGroupWatchdog? watchdog)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onOutput);
        // Resolve the program first: through setsid a missing program would look like a crash, not a failed start.
        var program = ProcessLaunch.FindOnPath(spec.FileName, spec.WorkingDirectory)
            ?? throw new InvalidOperationException($"'{spec.FileName}' was not found{(spec.FileName.Contains('/', StringComparison.Ordinal) ? "" : " on PATH")}.");
        var setsid = ProcessLaunch.SetsidPath;
        var psi = new ProcessStartInfo(setsid ?? program)
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            // setsid execs in place (the child is not a group leader), so the PID we see is the service's own.
            psi.ArgumentList.Add(program);
        }
        foreach (var a in spec.Arguments)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in spec.Environment)
        {
            psi.Environment[k] = v;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, setsid is not null);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput(e.Data, true);
            }
        };
        process.Exited += (_, _) =>
        {
            int code;
            try
            {
                code = process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                code = -1;
            }
            child._exited.TrySetResult(code);
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{spec.FileName}': {ex.Message}", ex);
        }
        child.Pid = process.Id;
        if (setsid is not null)
        {
            watchdog?.Track(child.Pid);
        }
        if (spec.StandardInput is { } input)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        // Otherwise stdin stays open but unused: closing it would end services that read stdin (stdio servers).
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGKILLs the process group now (used by tests and by the crash path).</summary>
    public void Kill()
    {
        if (_ownGroup)
        {
            PosixSignals.SignalGroup(Pid, PosixSignals.SigKill);
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// SIGTERM to the group, then SIGKILL after <paramref name="gracePeriod"/> (or as soon as
    /// <paramref name="cancellationToken"/> fires); returns once the process is gone.
    /// </summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        if (!_exited.Task.IsCompleted)
        {
            if (_ownGroup)
            {
                PosixSignals.SignalGroup(Pid, PosixSignals.SigTerm);
            }
            else if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                // Without setsid the child shares our group; signal it alone, then kill its tree if it lingers.
                _ = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            var graceOver = Task.Delay(gracePeriod, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            if (await Task.WhenAny(_exited.Task, graceOver).ConfigureAwait(false) != _exited.Task)
            {
                Kill();
                await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
            }
        }
        // Grandchildren the service did not reap (stdio MCP servers) share its group: they go too.
        if (_ownGroup && PosixSignals.GroupExists(Pid))
        {
            PosixSignals.SignalGroup(Pid, PosixSignals.SigKill);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
    }
}
