using System.Globalization;
using McpAspire.TestSupport;

namespace McpAspire.Chaos;

/// <summary>A service process of the running app, found in /proc under the AppHost, with its own HTTP port.</summary>
public sealed record ServiceProcess(string Resource, int Pid, Uri? Url);

/// <summary>
/// The app's processes as the outside sees them: every process DCP started for the AppHost, sorted into resources by
/// command line (the services run as their apphost executables under <c>dotnet run</c>), with the URL from their
/// environment (<c>ASPNETCORE_URLS</c>/<c>HTTP_PORTS</c>).
/// </summary>
public static class AppTopology
{
    public const string Gateway = "gateway";
    public const string ToolHost = "toolhost";
    public const string StateService = "statesvc";
    public const string Redis = "redis";
    public const string Peer = "chaospeer";

    /// <summary>The live service processes under the AppHost <paramref name="appHostPid"/>.</summary>
    public static IReadOnlyList<ServiceProcess> Find(int appHostPid)
    {
        var found = new List<ServiceProcess>();
        foreach (var pid in ProcessTable.AppHostTree(appHostPid))
        {
            var command = ProcessTable.CommandLine(pid);
            var executable = command.Split(' ', 2)[0];
            var resource = executable switch
            {
                _ when executable.EndsWith("/McpAspire.Gateway", StringComparison.Ordinal) => Gateway,
                _ when executable.EndsWith("/McpAspire.ToolHost", StringComparison.Ordinal) => ToolHost,
                _ when executable.EndsWith("/McpAspire.StateService", StringComparison.Ordinal) => StateService,
                _ when executable.EndsWith("/redis-server", StringComparison.Ordinal) || command.Contains("/Garnet", StringComparison.OrdinalIgnoreCase) => Redis,
                _ when command.Contains("McpAspire.Chaos.dll stdio-peer", StringComparison.Ordinal) => Peer,
                _ => null,
            };
            if (resource is not null)
            {
                found.Add(new ServiceProcess(resource, pid, resource is Gateway or ToolHost or StateService ? UrlOf(pid) : null));
            }
        }
        return found;
    }

    /// <summary>True when the process is stopped (SIGSTOP): state T in /proc/PID/stat.</summary>
    public static bool IsStopped(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Resident memory in MiB (VmRSS), or null when the process is gone.</summary>
    public static double? RssMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Uri? UrlOf(int pid)
    {
        try
        {
            var environment = ProcessTable.Environment(pid);
            if (environment.TryGetValue("ASPNETCORE_URLS", out var urls))
            {
                var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal));
                if (first is not null)
                {
                    return new Uri(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
                }
            }
            if (environment.TryGetValue("HTTP_PORTS", out var ports))
            {
                return new Uri($"http://localhost:{ports.Split(';')[0]}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
