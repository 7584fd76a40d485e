using System.Text;
using System.Text.Json;

namespace McpAspire.Hosting.Redis;

/// <summary>
/// How an executable Redis resource starts: the program (<c>redis-server</c>, or <c>dotnet GarnetServer.dll</c>), its
/// fixed arguments, the directory that holds its data (outside the source tree) and the private file that carries its
/// configuration and password, so the password never shows on a command line, in <c>ps</c> or in the dashboard.
/// </summary>
public sealed class RedisServerLaunch
{
    private RedisServerLaunch(RedisServerKind kind, string command, IReadOnlyList<string> fixedArgs, string dataDirectory, bool persistent, string secretsDirectory)
    {
        Kind = kind;
        Command = command;
        FixedArgs = fixedArgs;
        WorkingDirectory = dataDirectory;
        Persistent = persistent;
        SecretsDirectory = secretsDirectory;
    }

    /// <summary><see cref="RedisServerKind.RedisServer"/> or <see cref="RedisServerKind.Garnet"/>.</summary>
    public RedisServerKind Kind { get; }

    /// <summary>The program started (absolute path).</summary>
    public string Command { get; }

    /// <summary>Arguments before the port (the port comes from the allocated endpoint).</summary>
    public IReadOnlyList<string> FixedArgs { get; }

    /// <summary>The server's working and data directory: a stable folder when persistent, else a fresh temporary one.</summary>
    public string WorkingDirectory { get; }

    /// <summary>True when data survives restarts (append-only file in <see cref="WorkingDirectory"/>).</summary>
    public bool Persistent { get; }

    /// <summary>A private (0700) directory holding the configuration file while the server starts.</summary>
    public string SecretsDirectory { get; }

    /// <summary>The configuration file the server reads at start (0600); deleted once the server answers.</summary>
    public string ConfigPath => Path.Combine(SecretsDirectory, Kind == RedisServerKind.Garnet ? "garnet.conf" : "redis.conf");

    /// <summary>Plans <c>redis-server</c> at <paramref name="redisServer"/>.</summary>
    public static RedisServerLaunch ForRedisServer(string redisServer, string dataDirectory, bool persistent)
    {
        var secrets = Directory.CreateTempSubdirectory("mcpaspire-redis-").FullName;
        return new RedisServerLaunch(RedisServerKind.RedisServer, redisServer, [Path.Combine(secrets, "redis.conf")], dataDirectory, persistent, secrets);
    }

    /// <summary>Plans Garnet: <paramref name="dotnet"/> running <paramref name="garnetDll"/>.</summary>
    public static RedisServerLaunch ForGarnet(string dotnet, string garnetDll, string dataDirectory, bool persistent)
    {
        var secrets = Directory.CreateTempSubdirectory("mcpaspire-garnet-").FullName;
        List<string> args = [garnetDll, "--bind", "127.0.0.1", "--config-import-path", Path.Combine(secrets, "garnet.conf"), "--lua", "-m", "256m", "-i", "16m"];
        if (persistent)
        {
            // Debian 12's Garnet persists only with the RandomAccess device; --recover replays the AOF on start.
            args.AddRange(["--aof", "--device-type", "RandomAccess", "--checkpointdir", dataDirectory, "--recover"]);
        }
        return new RedisServerLaunch(RedisServerKind.Garnet, dotnet, args, dataDirectory, persistent, secrets);
    }

    /// <summary>Writes the configuration file (0600) with <paramref name="password"/>; called before every start.</summary>
    public void WriteConfig(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Directory.CreateDirectory(SecretsDirectory);
        Directory.CreateDirectory(WorkingDirectory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var file = new FileStream(ConfigPath, options);
        if (Kind == RedisServerKind.Garnet)
        {
            using var json = new Utf8JsonWriter(file);
            json.WriteStartObject();
            json.WriteString("AuthenticationMode", "Password");
            json.WriteString("Password", password);
            json.WriteEndObject();
            return;
        }
        var config = new StringBuilder()
            .Append("bind 127.0.0.1\n")
            .Append("protected-mode yes\ndaemonize no\n")
            .Append("requirepass ").Append(Quote(password)).Append('\n')
            .Append("dir ").Append(Quote(WorkingDirectory)).Append('\n')
            // No RDB snapshots ever (no dump.rdb anywhere); persistence is the append-only file.
            .Append("save \"\"\n")
            .Append(Persistent ? "appendonly yes\nappendfsync everysec\n" : "appendonly no\n");
        file.Write(Encoding.UTF8.GetBytes(config.ToString()));
    }

    /// <summary>Removes the configuration file (the server has read it); idempotent.</summary>
    public void DeleteConfig()
    {
        try
        {
            File.Delete(ConfigPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already or being removed by the stop path.
        }
    }

    /// <summary>Removes the private directory, and the data directory unless persistent; idempotent.</summary>
    public void Cleanup()
    {
        TryDeleteDirectory(SecretsDirectory);
        if (!Persistent)
        {
            TryDeleteDirectory(WorkingDirectory);
        }
    }

    /// <summary>A redis.conf string value: double-quoted, with backslashes and quotes escaped.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover empty temporary folder is harmless.
        }
    }
}
