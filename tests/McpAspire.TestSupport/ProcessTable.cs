using System.Globalization;

namespace McpAspire.TestSupport;

/// <summary>Reads /proc to find processes by PID and by ancestry, so tests can prove nothing is left behind.</summary>
public static class ProcessTable
{
    /// <summary>True when the PID exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Every live descendant of <paramref name="root"/>.</summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(ppid, out var list))
                {
                    children[ppid] = list = [];
                }
                list.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }
        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            var p = queue.Dequeue();
            if (children.TryGetValue(p, out var kids))
            {
                foreach (var k in kids)
                {
                    result.Add(k);
                    queue.Enqueue(k);
                }
            }
        }
        return result.Where(IsAlive).ToList();
    }

    /// <summary>
    /// Every live process an AppHost started: its descendants, plus DCP (which detaches: <c>dcp start-apiserver --monitor
    /// PID</c>, parent 1) and everything under DCP (dashboard, Redis, services, <c>dcp monitor-process</c>).
    /// </summary>
    public static IReadOnlyList<int> AppHostTree(int appHost)
    {
        var result = new HashSet<int>(Descendants(appHost));
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                && CommandLine(pid).Contains($"--monitor {appHost.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal))
            {
                result.Add(pid);
                result.UnionWith(Descendants(pid));
            }
        }
        return result.Where(IsAlive).ToList();
    }

    /// <summary>The command line of a PID (for failure messages).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "(gone)";
        }
    }

    /// <summary>The environment a process started with (readable for our own user's processes).</summary>
    public static Dictionary<string, string> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    /// <summary>Waits until none of <paramref name="pids"/> is alive; returns the survivors after <paramref name="timeout"/>.</summary>
    public static async Task<IReadOnlyList<int>> WaitForExitAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var list = pids.ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var alive = list.Where(IsAlive).ToList();
            if (alive.Count == 0 || DateTime.UtcNow > deadline)
            {
                return alive;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Describes survivors for an assertion message.</summary>
    public static string Describe(IEnumerable<int> pids) => string.Join("; ", pids.Select(p => $"{p}: {CommandLine(p)}"));
}
