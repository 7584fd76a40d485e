using System.Runtime.InteropServices;

namespace McpAspire.Hosting.Processes;

/// <summary>Signals to whole process groups (a service and the stdio servers it spawned), which .NET's Process API lacks.</summary>
internal static partial class PosixSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to process group <paramref name="pgid"/>; false when the group is gone.</summary>
    public static bool SignalGroup(int pgid, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }
        return pgid > 1 && Kill(-pgid, signal) == 0;
    }

    /// <summary>True while any process of the group lives (signal 0 probes without sending).</summary>
    public static bool GroupExists(int pgid) => (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && pgid > 1 && Kill(-pgid, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
