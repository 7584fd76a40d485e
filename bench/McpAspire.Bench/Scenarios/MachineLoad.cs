using System.Globalization;

namespace McpAspire.Bench.Scenarios;

/// <summary>The machine's load, reported beside figures measured on a shared machine.</summary>
public static class MachineLoad
{
    /// <summary>The one-minute load average from <c>/proc/loadavg</c>, or -1 when it cannot be read.</summary>
    public static double OneMinute()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
