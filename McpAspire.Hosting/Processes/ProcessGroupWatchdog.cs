using System.Diagnostics;
using System.Globalization;

namespace McpAspire.Hosting.Processes;

/// <summary>
/// Makes sure no child outlives the AppHost, even when the AppHost is SIGKILLed. Every child runs in its own process
/// group (started through <c>setsid</c>), so its grandchildren (stdio MCP servers) share the group. One small
/// <c>/bin/sh</c> watchdog, in its own session and deaf to INT/TERM/HUP, reads group ids on a pipe from the AppHost.
/// When the pipe reaches end-of-file without the word <c>exit</c> — the kernel closes it whatever way the AppHost died —
/// it sends TERM, then KILL two seconds later, to every group. A normal stop writes <c>exit</c> after the AppHost has
/// stopped the groups itself. No native code is needed in the child (prctl(PR_SET_PDEATHSIG) cannot be called from
/// managed code between fork and exec).
/// </summary>
internal sealed class ProcessGroupWatchdog : IDisposable
{
    private const string Script = """
        trap '' INT TERM HUP
        groups=''
        while IFS= read -r line; do
          case "$line" in
            exit) exit 0 ;;
            +*) groups="$groups ${line#+}" ;;
          esac
        done
        for g in $groups; do kill -TERM -$g 2>/dev/null; done
        sleep 2
        for g in $groups; do kill -KILL -$g 2>/dev/null; done
        """;

    private readonly Process? _process;
    private readonly Lock _lock = new();
    private bool _disposed;

    private ProcessGroupWatchdog(Process? process)
    {
        _process = process;
    }

    /// <summary>The watchdog's PID (for tests), or null where it is not supported.</summary>
    public int? Pid => _process?.Id;

    /// <summary>Starts the watchdog (a no-op object where <c>setsid</c> or <c>/bin/sh</c> is missing).</summary>
    public static ProcessGroupWatchdog Start()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/sh") || ProcessLaunch.SetsidPath is null)
        {
            return new ProcessGroupWatchdog(null);
        }
        var psi = new ProcessStartInfo(ProcessLaunch.SetsidPath)
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the process-group watchdog.");
        process.StandardInput.AutoFlush = true;
        return new ProcessGroupWatchdog(process);
    }

    /// <summary>Registers a process group to kill if the AppHost dies.</summary>
    public void Track(int pgid)
    {
        lock (_lock)
        {
            if (_disposed || _process is null || _process.HasExited)
            {
                return;
            }
            try
            {
                _process.StandardInput.WriteLine("+" + pgid.ToString(CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The watchdog is gone; the AppHost still stops its children itself on a normal stop.
            }
        }
    }

    /// <summary>Called after a normal stop: the watchdog exits without signalling anyone.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_process is null)
            {
                return;
            }
            try
            {
                if (!_process.HasExited)
                {
                    _process.StandardInput.WriteLine("exit");
                    _process.StandardInput.Close();
                    _process.WaitForExit(2000);
                }
            }
            catch (IOException)
            {
            }
            _process.Dispose();
        }
    }
}
