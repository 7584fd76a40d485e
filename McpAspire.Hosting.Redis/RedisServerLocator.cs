using System.Diagnostics;

namespace McpAspire.Hosting.Redis;

/// <summary>
/// Finds a way to run Redis on this machine: <c>redis-server</c> on PATH, else <c>GarnetServer.dll</c> of the
/// <c>garnet-server</c> local tool (running <c>dotnet tool restore</c> once when it is missing). Never a silent wait:
/// with neither, <see cref="Plan"/> throws saying how to get one.
/// </summary>
public static class RedisServerLocator
{
    /// <summary>The launch for <paramref name="kind"/> (<see cref="RedisServerKind.Auto"/>: redis-server, else Garnet).</summary>
    /// <exception cref="InvalidOperationException">No server of that kind can be run here (the message says what to install).</exception>
    public static RedisServerLaunch Plan(RedisServerKind kind, string appHostDirectory, string dataDirectory, bool persistent)
    {
        if (kind is RedisServerKind.Auto or RedisServerKind.RedisServer)
        {
            if (FindOnPath("redis-server") is { } redisServer)
            {
                return RedisServerLaunch.ForRedisServer(redisServer, dataDirectory, persistent);
            }
            if (kind == RedisServerKind.RedisServer)
            {
                throw new InvalidOperationException(
                    "AppHost:Redis:Server is redis-server, but redis-server is not on PATH. Install it (apt-get install redis-server), " +
                    "or use --AppHost:Redis:Server=garnet, or pass an existing server as --ConnectionStrings:redis=host:port,password=….");
            }
        }
        var garnet = FindGarnet() ?? RestoreToolsAndFindGarnet(appHostDirectory) ?? throw new InvalidOperationException(
            "No Redis server available: redis-server is not on PATH and GarnetServer.dll (local tool garnet-server) is not restored. " +
            "Install redis-server (apt-get install redis-server), or run 'dotnet tool restore' at the repository root, " +
            "or pass an existing server as --ConnectionStrings:redis=host:port,password=….");
        return RedisServerLaunch.ForGarnet(DotnetPath(), garnet, dataDirectory, persistent);
    }

    /// <summary>GarnetServer.dll of the newest restored <c>garnet-server</c> tool, or null.</summary>
    public static string? FindGarnet()
    {
        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var toolRoot = Path.Combine(nugetRoot, "garnet-server");
        if (!Directory.Exists(toolRoot))
        {
            return null;
        }
        return Directory.EnumerateFiles(toolRoot, "GarnetServer.dll", SearchOption.AllDirectories)
            .Where(p => p.Contains($"{Path.DirectorySeparatorChar}tools{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>The <c>dotnet</c> muxer (the one running us when known).</summary>
    public static string DotnetPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return FindOnPath("dotnet") ?? "dotnet";
    }

    private static string? RestoreToolsAndFindGarnet(string appHostDirectory)
    {
        var root = new DirectoryInfo(appHostDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, ".config", "dotnet-tools.json")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            return null;
        }
        var psi = new ProcessStartInfo(DotnetPath(), ["tool", "restore"])
        {
            WorkingDirectory = root.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi);
        if (process is null)
        {
            return null;
        }
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return FindGarnet();
    }
}
