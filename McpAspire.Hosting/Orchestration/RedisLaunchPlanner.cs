using System.Diagnostics;
using System.Globalization;
using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Processes;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// Turns a <see cref="RedisResource"/> into a process: <c>redis-server</c> when on PATH, else Garnet's
/// <c>GarnetServer.dll</c> from the <c>garnet-server</c> local tool (restored with <c>dotnet tool restore</c> when
/// missing), started directly so the AppHost owns one PID. Otherwise a clear error saying how to get a server.
/// </summary>
internal sealed class RedisLaunchPlanner
{
    private readonly string _appHostDirectory;
    private readonly Action<string> _report;

    public RedisLaunchPlanner(string appHostDirectory, Action<string> report)
    {
        _appHostDirectory = appHostDirectory;
        _report = report;
    }

    public async Task<ProcessSpec> PlanAsync(RedisResource redis, int port, CancellationToken cancellationToken)
    {
        var password = redis.PasswordParameter.Value;
        var persistence = redis.Annotations.OfType<PersistenceAnnotation>().LastOrDefault();
        if (persistence is not null)
        {
            Directory.CreateDirectory(persistence.DataDirectory);
        }
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var redisServer = redis.ServerKind is RedisServerKind.Auto or RedisServerKind.RedisServer ? ProcessLaunch.FindOnPath("redis-server") : null;
        if (redis.ServerKind == RedisServerKind.RedisServer && redisServer is null)
        {
            throw new InvalidOperationException("redis-server is not on PATH (install it: apt-get install redis-server), and the Redis resource asks for it explicitly.");
        }
        var cwd = persistence?.DataDirectory ?? Path.GetTempPath();
        if (redisServer is not null)
        {
            // The configuration, password included, goes in on stdin ("redis-server -"), so `ps` never shows the password.
            var config = new System.Text.StringBuilder()
                .Append("port ").Append(portText).Append('\n')
                .Append("bind 127.0.0.1\n")
                .Append("requirepass ").Append(Quote(password)).Append('\n')
                .Append("protected-mode yes\ndaemonize no\nsave \"\"\n");
            config.Append(persistence is not null
                ? $"dir {Quote(persistence.DataDirectory)}\nappendonly yes\nappendfsync everysec\n"
                : "appendonly no\n");
            return new ProcessSpec(redisServer, ["-"], cwd, new Dictionary<string, string>()) { StandardInput = config.ToString() };
        }

        var garnet = FindGarnet() ?? await RestoreToolsAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException(
            "No Redis server available: redis-server is not on PATH and GarnetServer.dll (local tool garnet-server) is not restored. " +
            "Install redis-server (apt-get install redis-server), or run 'dotnet tool restore' at the repository root, " +
            "or point the AppHost at an existing server with ConnectionStrings__redis=host:port,password=….");
        // The password goes in through a config file only this user can read, deleted as soon as Garnet listens (it has
        // read its configuration by then), so `ps` never shows it. (Garnet cannot read its configuration from stdin.)
        var secretConfig = GarnetSecretConfig.Write(password);
        _ = secretConfig.DeleteWhenListeningAsync(port, TimeSpan.FromSeconds(60));
        List<string> garnetArgs = [garnet, "--port", portText, "--bind", "127.0.0.1", "--config-import-path", secretConfig.Path, "--lua", "-m", "256m", "-i", "16m"];
        if (persistence is not null)
        {
            // Debian 12's Garnet persists only with the RandomAccess device; --recover replays the AOF on start.
            garnetArgs.AddRange(["--aof", "--device-type", "RandomAccess", "--checkpointdir", persistence.DataDirectory, "--recover"]);
        }
        return new ProcessSpec(DotnetHost.Path, garnetArgs, cwd, new Dictionary<string, string>())
        {
            // Garnet issues AOF commits asynchronously and does not flush on SIGTERM: commit explicitly first, or the
            // last writes before a stop can be lost.
            BeforeStop = async ct =>
            {
                secretConfig.Delete();
                if (persistence is not null)
                {
                    await Health.RedisPing.SendAsync("127.0.0.1", port, password, "COMMITAOF", TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
                }
            },
        };
    }

    /// <summary>A redis.conf string value: double-quoted, with backslashes and quotes escaped.</summary>
    internal static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>GarnetServer.dll of the newest restored garnet-server tool, or null.</summary>
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

    private async Task<string?> RestoreToolsAsync(CancellationToken cancellationToken)
    {
        var root = FindToolManifestRoot();
        if (root is null)
        {
            return null;
        }
        _report("redis-server is not on PATH: restoring the garnet-server local tool (dotnet tool restore)…");
        var psi = new ProcessStartInfo(DotnetHost.Path, ["tool", "restore"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi);
        if (process is null)
        {
            return null;
        }
        var drainOut = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var drainErr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(drainOut, drainErr).ConfigureAwait(false);
        return FindGarnet();
    }

    private string? FindToolManifestRoot()
    {
        for (var dir = new DirectoryInfo(_appHostDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
