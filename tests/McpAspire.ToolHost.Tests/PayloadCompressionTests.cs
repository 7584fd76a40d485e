using System.Text.Json;
using McpAspire.TestSupport;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// Large payloads are stored Brotli-compressed in Redis and come back exactly as sent through receive and replay; the
/// stats show the bytes saved; small payloads and a threshold of 0 store plain JSON.
/// </summary>
public abstract class PayloadCompressionTests
{
    private readonly string _connectionString;

    private protected PayloadCompressionTests(string connectionString) => _connectionString = connectionString;

    private Dictionary<string, string?> Settings(string prefix, int? threshold = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _connectionString,
            ["ToolHost:Agents:KeyPrefix"] = prefix,
        };
        if (threshold is { } t)
        {
            settings["ToolHost:Agents:CompressionThresholdBytes"] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return settings;
    }

    private static object LargePayload() => new
    {
        rows = Enumerable.Range(0, 400).Select(i => new { id = i, name = $"row-{i}", tags = new[] { "alpha", "beta", "γ✓" }, note = (string?)null }).ToArray(),
    };

    private async Task<long> StoredBytesAsync(string prefix, string agent)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_connectionString);
        var tag = prefix + "{" + prefix.TrimEnd(':') + "}:";
        var entries = await redis.GetDatabase().SortedSetRangeByRankAsync(tag + "hist:" + agent);
        return entries.Sum(e => (long)((byte[])e!).Length);
    }

    [Fact]
    public async Task A_large_payload_is_stored_compressed_and_read_back_exactly_as_sent()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";
        await using var server = await ToolHostServer.StartAsync(Settings(prefix));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        foreach (var id in new[] { "a1", "a2", "a3" })
        {
            await client.RegisterAsync(id, ["work"], cancellationToken: cts.Token);
        }
        var payload = JsonSerializer.SerializeToElement(LargePayload());
        var raw = payload.GetRawText();

        await client.CallAsync("messages_send", new { capability = "work", broadcast = true, type = "bulk", payload }, cts.Token);
        await client.CallAsync("messages_send", new { to = "a1", type = "small", payload = new { n = 1 } }, cts.Token);

        var received = await client.ReceiveAsync("a1", cancellationToken: cts.Token);
        Assert.Equal(raw, received[0].GetProperty("payload").GetRawText());
        Assert.Equal("""{"n":1}""", received[1].GetProperty("payload").GetRawText());
        var replayed = await client.CallAsync("messages_replay", new { agentId = "a2" }, cts.Token);
        Assert.Equal(raw, replayed.GetProperty("messages")[0].GetProperty("payload").GetRawText());
        // Stored far smaller than the JSON itself (three copies of it, plus the small message).
        Assert.InRange(await StoredBytesAsync(prefix, "a2"), 1, raw.Length / 3);

        await Eventually.HoldsAsync(async () =>
        {
            var stats = await client.CallAsync("agents_stats", null, cts.Token);
            return stats.GetProperty("messagesCompressed").GetInt64() == 1 && stats.GetProperty("bytesSaved").GetInt64() > 3L * raw.Length / 2;
        }, "the stats count one compressed message and the bytes its three copies saved");
    }

    [Fact]
    public async Task With_a_threshold_of_zero_payloads_are_stored_as_plain_json()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";
        await using var server = await ToolHostServer.StartAsync(Settings(prefix, threshold: 0));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("a1", ["work"], cancellationToken: cts.Token);
        var payload = JsonSerializer.SerializeToElement(LargePayload());

        await client.CallAsync("messages_send", new { to = "a1", type = "bulk", payload }, cts.Token);

        Assert.Equal(payload.GetRawText(), Assert.Single(await client.ReceiveAsync("a1", cancellationToken: cts.Token)).GetProperty("payload").GetRawText());
        Assert.True(await StoredBytesAsync(prefix, "a1") > payload.GetRawText().Length);
        Assert.Equal(0, (await client.CallAsync("agents_stats", null, cts.Token)).GetProperty("messagesCompressed").GetInt64());
    }
}

/// <summary>Compression on redis-server 7.</summary>
public sealed class PayloadCompressionOnRedisTests : PayloadCompressionTests, IClassFixture<RedisFixture>
{
    public PayloadCompressionOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Compression on Garnet.</summary>
public sealed class PayloadCompressionOnGarnetTests : PayloadCompressionTests, IClassFixture<GarnetFixture>
{
    public PayloadCompressionOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Compression on a three-primary Redis Cluster.</summary>
public sealed class PayloadCompressionOnRedisClusterTests : PayloadCompressionTests, IClassFixture<RedisClusterFixture>
{
    public PayloadCompressionOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
