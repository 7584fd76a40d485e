using System.Diagnostics;
using System.Text;

namespace McpAspire.TestSupport;

/// <summary>Which real server a test runs against.</summary>
public enum RedisServerKind
{
    /// <summary>Debian's <c>redis-server</c> (7.x).</summary>
    Redis,

    /// <summary>Microsoft Garnet from the <c>garnet-server</c> local tool, started as <c>GarnetServer.dll</c> to own one PID.</summary>
    Garnet,
}

/// <summary>
/// A real redis-server or Garnet on a free loopback port, with a password, started by the test and stopped by its PID.
/// Can be stopped and started again on the same port and data directory (for persistence and reconnect tests).
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServerProcess(RedisServerKind kind, int port, string password, string? dataDirectory)
    {
        Kind = kind;
        Port = port;
        Password = password;
        DataDirectory = dataDirectory;
    }

    /// <summary>The server kind.</summary>
    public RedisServerKind Kind { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The password clients must send.</summary>
    public string Password { get; }

    /// <summary>Persistence directory (AOF), or null when the server keeps nothing on disk.</summary>
    public string? DataDirectory { get; }

    /// <summary>PID of the running server, or null when stopped.</summary>
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>A StackExchange.Redis-format connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    /// <summary>Starts a server; <paramref name="persistent"/> turns on AOF in a fresh temporary directory.</summary>
    public static async Task<RedisServerProcess> StartAsync(RedisServerKind kind, bool persistent = false, string? password = null, CancellationToken cancellationToken = default)
    {
        var dir = persistent ? Directory.CreateTempSubdirectory("mcpaspire-redis-").FullName : null;
        var server = new RedisServerProcess(kind, FreePort.Next(), password ?? "test-" + Guid.NewGuid().ToString("N")[..16], dir);
        await server.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts a redis-server on a given (free) port with a given password.</summary>
    public static async Task<RedisServerProcess> StartOnPortAsync(int port, string password, CancellationToken cancellationToken = default)
    {
        var server = new RedisServerProcess(RedisServerKind.Redis, port, password, null);
        await server.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Path of the redis-server binary, or a clear failure.</summary>
    public static string RedisServerPath() =>
        FindOnPath("redis-server") ?? throw new InvalidOperationException("redis-server is not installed: run ./test.sh (it installs it with apt) or apt-get install redis-server.");

    /// <summary>Path of GarnetServer.dll from the restored local tool, or a clear failure.</summary>
    public static string GarnetDllPath()
    {
        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var toolDir = Path.Combine(nugetRoot, "garnet-server", "2.2.8", "tools");
        var dll = Directory.Exists(toolDir)
            ? Directory.EnumerateFiles(toolDir, "GarnetServer.dll", SearchOption.AllDirectories).OrderDescending().FirstOrDefault()
            : null;
        return dll ?? throw new InvalidOperationException($"GarnetServer.dll not found under {toolDir}: run 'dotnet tool restore' at the repository root.");
    }

    /// <summary>(Re)starts the server on the same port and data directory.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (Pid is not null)
        {
            throw new InvalidOperationException("The server is already running.");
        }
        var psi = Kind == RedisServerKind.Redis ? RedisStartInfo() : GarnetStartInfo();
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitForPingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills the server by PID (SIGKILL) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
            await p.WaitForExitAsync().ConfigureAwait(false);
            p.Dispose();
            _process = null;
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP to its PID): connections stay open, commands wait unanswered in its socket buffers,
    /// so clients see timeouts, not disconnects. <see cref="ResumeAsync"/> lets it answer them.
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server run again (SIGCONT to its PID).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var pid = Pid ?? throw new InvalidOperationException("The server is not running.");
        var psi = new ProcessStartInfo("kill") { UseShellExecute = false };
        psi.ArgumentList.Add(signal);
        psi.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(psi)!;
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        if (DataDirectory is not null)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private ProcessStartInfo RedisStartInfo()
    {
        var psi = new ProcessStartInfo(RedisServerPath());
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--requirepass", Password, "--save", "", "--daemonize", "no", "--protected-mode", "yes", "--enable-debug-command", "local" })
        {
            psi.ArgumentList.Add(arg);
        }
        if (DataDirectory is not null)
        {
            foreach (var arg in new[] { "--dir", DataDirectory, "--appendonly", "yes", "--appendfsync", "always" })
            {
                psi.ArgumentList.Add(arg);
            }
        }
        else
        {
            psi.ArgumentList.Add("--appendonly");
            psi.ArgumentList.Add("no");
        }
        return psi;
    }

    private ProcessStartInfo GarnetStartInfo()
    {
        var psi = new ProcessStartInfo("dotnet");
        foreach (var arg in new[] { GarnetDllPath(), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--auth", "Password", "--password", Password, "--lua", "-m", "256m", "-i", "16m", "--logger-level", "Error" })
        {
            psi.ArgumentList.Add(arg);
        }
        if (DataDirectory is not null)
        {
            foreach (var arg in new[] { "--aof", "--device-type", "RandomAccess", "--checkpointdir", DataDirectory, "--recover" })
            {
                psi.ArgumentList.Add(arg);
            }
        }
        return psi;
    }

    private Task WaitForPingAsync(CancellationToken cancellationToken) =>
        WaitForPingAsync(Port, Password, () => _process is null || _process.HasExited, () => $"{Kind} (exit code {(_process is { HasExited: true } p ? p.ExitCode : null)}):\n{Output}", cancellationToken);

    /// <summary>Waits until a server on <paramref name="port"/> answers AUTH + PING (through StackExchange.Redis).</summary>
    internal static async Task WaitForPingAsync(int port, string password, Func<bool> exited, Func<string> describe, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var options = new StackExchange.Redis.ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Password = password,
            AbortOnConnectFail = true,
            ConnectTimeout = 2000,
            ConnectRetry = 1,
        };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (exited())
            {
                throw new InvalidOperationException($"The server on port {port} exited during start-up: {describe()}");
            }
            try
            {
                await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
                await redis.GetServer("127.0.0.1", port).PingAsync().ConfigureAwait(false);
                return;
            }
            catch (StackExchange.Redis.RedisException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The server on port {port} did not answer PING within 30 s: {describe()}");
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
