using System.Globalization;
using System.Text.Json.Nodes;
using McpAspire.StateService;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Two gateway replicas (separate processes) sharing 2025-11-25 sessions (<c>Gateway:SessionStore=state</c>): the state
/// service in this process on a real redis-server started here, one HTTP downstream (<see cref="ToolServers"/>, whose
/// added tools make every session hear <c>list_changed</c>).
/// </summary>
public sealed class ReplicaPair : IAsyncDisposable
{
    private readonly RedisServerProcess _redis;
    private readonly WebApplication _state;
    private readonly ConnectionMultiplexer _redisClient;

    private ReplicaPair(RedisServerProcess redis, WebApplication state, ConnectionMultiplexer redisClient, ToolServers servers, GatewayProcess[] gateways)
    {
        _redis = redis;
        _state = state;
        _redisClient = redisClient;
        Servers = servers;
        Gateways = gateways;
    }

    /// <summary>The downstream (server 0).</summary>
    public ToolServers Servers { get; }

    /// <summary>The two replicas.</summary>
    public IReadOnlyList<GatewayProcess> Gateways { get; }

    public static async Task<ReplicaPair> StartAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis, cancellationToken: cancellationToken).ConfigureAwait(false);
        var statePort = FreePort.Next();
        var state = StateServiceApp.Build([], b =>
        {
            b.WebHost.UseUrls($"http://127.0.0.1:{statePort}");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        });
        await state.StartAsync(cancellationToken).ConfigureAwait(false);
        var redisClient = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true").ConfigureAwait(false);
        var servers = await ToolServers.StartAsync(1, cancellationToken).ConfigureAwait(false);
        var settings = new Dictionary<string, string>
        {
            ["Gateway__SessionStore"] = "state",
            ["services__statesvc__http__0"] = $"http://127.0.0.1:{statePort}",
            ["ConnectionStrings__redis"] = redis.ConnectionString,
        };
        var config = new JsonObject { ["s0"] = new JsonObject { ["url"] = servers.Endpoint(0).ToString() } };
        var gateways = new GatewayProcess[2];
        for (var i = 0; i < gateways.Length; i++)
        {
            gateways[i] = await GatewayProcess.StartAsync(config, settings).ConfigureAwait(false);
            await gateways[i].WaitForStatsAsync(http, (tools, connected) => connected == 1 && tools >= ToolServers.ToolsPerServer, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
        return new ReplicaPair(redis, state, redisClient, servers, gateways);
    }

    /// <summary>Redis <c>used_memory</c> (INFO memory), bytes.</summary>
    public async Task<long> RedisUsedMemoryAsync()
    {
        var info = (string?)await _redisClient.GetDatabase().ExecuteAsync("INFO", "memory").ConfigureAwait(false) ?? "";
        var line = info.Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Each key of one session (its id written as <c>{sid}</c>), its type and <c>MEMORY USAGE</c> in bytes.</summary>
    public async Task<IReadOnlyList<(string Key, string Type, long Bytes)>> SessionKeysAsync(string sessionId)
    {
        var server = _redisClient.GetServer(_redisClient.GetEndPoints()[0]);
        var db = _redisClient.GetDatabase();
        var keys = new List<(string, string, long)>();
        await foreach (var key in server.KeysAsync(pattern: $"*{sessionId}*").ConfigureAwait(false))
        {
            var type = await db.KeyTypeAsync(key).ConfigureAwait(false);
            var bytes = (long?)await db.ExecuteAsync("MEMORY", "USAGE", key).ConfigureAwait(false) ?? 0;
            var name = key.ToString().Replace(sessionId, "{sid}", StringComparison.Ordinal);
            keys.Add((name, type.ToString().ToLowerInvariant(), bytes));
            if (type == RedisType.Stream)
            {
                // What the stream holds: each entry's kind and payload size.
                foreach (var entry in await db.StreamRangeAsync(key).ConfigureAwait(false))
                {
                    Console.Error.WriteLine($"  {name} {entry.Id}: kind {entry["k"]}, {((string?)entry["d"])?.Length ?? 0} chars");
                }
            }
        }
        return keys;
    }

    /// <summary>Keys in Redis (DBSIZE).</summary>
    public async Task<long> RedisKeysAsync() => (long)await _redisClient.GetDatabase().ExecuteAsync("DBSIZE").ConfigureAwait(false);

    /// <summary>Both replicas' RSS, bytes.</summary>
    public long GatewaysRssBytes() => Gateways.Sum(g => g.RssBytes());

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in Gateways)
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
        }
        await Servers.DisposeAsync().ConfigureAwait(false);
        _redisClient.Dispose();
        await _state.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _state.DisposeAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
    }
}
