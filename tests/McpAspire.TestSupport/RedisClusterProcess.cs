using System.Diagnostics;
using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace McpAspire.TestSupport;

/// <summary>
/// A real Redis Cluster of three primaries (no replicas): three <c>redis-server --cluster-enabled yes</c> processes on
/// free loopback ports (each with its own free cluster-bus port), joined with <c>redis-cli --cluster create</c>, with a
/// password; started by the test and stopped by their PIDs.
/// </summary>
public sealed class RedisClusterProcess : IAsyncDisposable
{
    private readonly List<Process> _nodes = [];
    private readonly StringBuilder _output = new();

    private RedisClusterProcess(string password, string directory)
    {
        Password = password;
        Directory = directory;
    }

    /// <summary>The password of every node.</summary>
    public string Password { get; }

    /// <summary>Working directory (each node's nodes.conf lives in a subfolder).</summary>
    public string Directory { get; }

    /// <summary>The primaries' ports.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>PIDs of the running nodes.</summary>
    public IReadOnlyList<int> Pids => [.. _nodes.Where(p => !p.HasExited).Select(p => p.Id)];

    /// <summary>A StackExchange.Redis connection string naming every primary.</summary>
    public string ConnectionString => string.Join(',', Ports.Select(p => $"127.0.0.1:{p}")) + $",password={Password}";

    /// <summary>Starts three primaries and joins them; returns once every slot is served (<c>cluster_state:ok</c>).</summary>
    public static async Task<RedisClusterProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var cluster = new RedisClusterProcess("cluster-" + Guid.NewGuid().ToString("N")[..16], System.IO.Directory.CreateTempSubdirectory("mcpaspire-cluster-").FullName);
        try
        {
            await cluster.StartNodesAsync(3, cancellationToken).ConfigureAwait(false);
            await cluster.CreateAsync(cancellationToken).ConfigureAwait(false);
            await cluster.WaitUntilOkAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartNodesAsync(int count, CancellationToken cancellationToken)
    {
        var ports = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var port = FreePort.Next();
            var bus = FreePort.Next();
            var dir = Path.Combine(Directory, port.ToString(CultureInfo.InvariantCulture));
            System.IO.Directory.CreateDirectory(dir);
            var psi = new ProcessStartInfo(RedisServerProcess.RedisServerPath())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir,
            };
            foreach (var arg in new[]
            {
                "--port", port.ToString(CultureInfo.InvariantCulture), "--cluster-port", bus.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(dir, "nodes.conf"),
                "--cluster-node-timeout", "5000", "--dir", dir, "--requirepass", Password, "--masterauth", Password,
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
            })
            {
                psi.ArgumentList.Add(arg);
            }
            var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _nodes.Add(process);
            ports.Add(port);
        }
        Ports = ports;
        foreach (var port in ports)
        {
            await RedisServerProcess.WaitForPingAsync(port, Password, () => _nodes.Any(n => n.HasExited), () => Output, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(RedisServerProcess.RedisServerPath())!, "redis-cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The password travels in the environment (REDISCLI_AUTH), not on a command line other users can read.
        psi.Environment["REDISCLI_AUTH"] = Password;
        psi.ArgumentList.Add("--cluster");
        psi.ArgumentList.Add("create");
        foreach (var port in Ports)
        {
            psi.ArgumentList.Add($"127.0.0.1:{port}");
        }
        foreach (var arg in new[] { "--cluster-replicas", "0", "--cluster-yes" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var cli = Process.Start(psi)!;
        var stdout = cli.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = cli.StandardError.ReadToEndAsync(cancellationToken);
        await cli.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (cli.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({cli.ExitCode}):\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}\n{Output}");
        }
    }

    private async Task WaitUntilOkAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        while (true)
        {
            var states = await Task.WhenAll(Ports.Select(async p =>
                (string?)await redis.GetServer("127.0.0.1", p).ExecuteAsync("CLUSTER", "INFO").ConfigureAwait(false) ?? "")).ConfigureAwait(false);
            if (states.All(s => s.Contains("cluster_state:ok", StringComparison.Ordinal) && s.Contains("cluster_known_nodes:3", StringComparison.Ordinal)))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The cluster did not reach cluster_state:ok within 60 s:\n" + string.Join("\n", states) + "\n" + Output);
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the nodes printed, for failure messages.</summary>
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
            await node.WaitForExitAsync().ConfigureAwait(false);
            node.Dispose();
        }
        _nodes.Clear();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
