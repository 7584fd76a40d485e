using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.TestSupport;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// The built gateway (<c>dotnet McpAspire.Gateway.dll</c> from the bench's output) in its own OS process, configured
/// by environment variables, its downstreams in a servers file (the <c>mcpServers</c> format, reloaded on change), so
/// its memory is its own: RSS from <c>/proc/PID/status</c>.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly DotnetAppProcess _process;

    private GatewayProcess(DotnetAppProcess process, string serversFile)
    {
        _process = process;
        ServersFile = serversFile;
    }

    /// <summary>The gateway's PID.</summary>
    public int Pid => _process.Pid;

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress => _process.BaseAddress;

    /// <summary><c>/mcp</c>.</summary>
    public Uri McpUri => _process.McpUri;

    /// <summary>The servers file the gateway watches.</summary>
    public string ServersFile { get; }

    /// <summary>Writes <paramref name="servers"/> (name → entry) to a fresh servers file and starts a gateway on it; ready once <c>/alive</c> answers.</summary>
    public static async Task<GatewayProcess> StartAsync(JsonObject servers, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? readyTimeout = null)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("gateway-scale-").FullName, "mcp-servers.json");
        WriteServers(file, servers);
        var environment = new Dictionary<string, string>
        {
            ["Gateway__Auth__AllowAnonymous"] = "true",
            ["Gateway__ServersFile"] = file,
            ["Gateway__SessionStore"] = "memory",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var process = await DotnetAppProcess.StartAsync("McpAspire.Gateway.dll", environment, readyTimeout ?? TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        return new GatewayProcess(process, file);
    }

    /// <summary>Replaces the servers file (atomically: a rename, so the gateway's reload never reads half of it).</summary>
    public void SetServers(JsonObject servers) => WriteServers(ServersFile, servers);

    /// <summary>The gateway's resident set (VmRSS), bytes.</summary>
    public long RssBytes() => Rss(Pid);

    /// <summary>The resident set (VmRSS) of any process, bytes (0 when it is gone).</summary>
    public static long Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>The catalog's tool count and how many downstreams are connected, from <c>/stats</c>.</summary>
    public async Task<(int Tools, int Connected)> StatsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(BaseAddress, "stats"), cancellationToken).ConfigureAwait(false));
        var connected = stats.RootElement.GetProperty("servers").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "connected");
        return (stats.RootElement.GetProperty("tools").GetInt32(), connected);
    }

    /// <summary>Polls <c>/stats</c> every <paramref name="interval"/> until <paramref name="done"/> holds (or the timeout passes).</summary>
    public async Task WaitForStatsAsync(HttpClient http, Func<int, int, bool> done, TimeSpan timeout, TimeSpan interval, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (tools, connected) = await StatsAsync(http, cancellationToken).ConfigureAwait(false);
            if (done(tools, connected))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gateway {Pid}: still {tools} tools, {connected} connected after {timeout}.\n{_process.Output}");
            }
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void WriteServers(string path, JsonObject servers)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, new JsonObject { ["mcpServers"] = servers.DeepClone() }.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(Path.GetDirectoryName(ServersFile)!, recursive: true);
    }
}
