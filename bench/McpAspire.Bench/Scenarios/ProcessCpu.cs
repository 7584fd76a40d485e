using System.Globalization;
using McpAspire.TestSupport;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// CPU seconds (user + system, from /proc/PID/stat) spent by the processes of an AppHost: unlike wall time this hardly
/// depends on how busy the machine is, so a start-up change can be measured while other work runs.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ on Linux (sysconf(_SC_CLK_TCK)) is 100 on every supported architecture.
    private const double TicksPerSecond = 100;

    /// <summary>
    /// CPU seconds of every process of the AppHost tree (including children they already reaped, such as
    /// <c>dotnet run</c>'s build steps), and per resource: the processes Aspire told their service name
    /// (<c>OTEL_SERVICE_NAME</c>; both gateway replicas count under one name), the dashboard and DCP under "platform".
    /// </summary>
    public static (double Total, Dictionary<string, double> ByResource) Snapshot(int appHost)
    {
        var byResource = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        foreach (var pid in ProcessTable.AppHostTree(appHost).Append(appHost).Distinct())
        {
            if (Read(pid) is not { } cpu)
            {
                continue;
            }
            total += cpu.Self + cpu.Children;
            string name;
            try
            {
                var environment = ProcessTable.Environment(pid);
                name = pid == appHost ? "apphost"
                    : environment.ContainsKey("DASHBOARD__FRONTEND__BROWSERTOKEN") ? "platform"
                    : environment.TryGetValue("OTEL_SERVICE_NAME", out var service) ? service
                    : "platform";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                name = "platform";
            }
            byResource[name] = byResource.GetValueOrDefault(name) + cpu.Self + cpu.Children;
        }
        return (total, byResource);
    }

    /// <summary>User + system seconds of the process itself and of its reaped children, or null when it is gone.</summary>
    public static (double Self, double Children)? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // Fields after "(comm) ": state is field 3 of the man page, utime 14, stime 15, cutime 16, cstime 17.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
            return (Field(14) + Field(15), Field(16) + Field(17));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
