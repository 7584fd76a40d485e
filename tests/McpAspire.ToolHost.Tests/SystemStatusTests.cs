using System.Text.Json;
using McpAspire.TestSupport;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The system status (<c>status://system</c> and <c>GET /stats/system</c>): Redis, agents, queue depths and ages,
/// counters and rule hits in one view, with update notifications for subscribers.
/// </summary>
public abstract class SystemStatusTests
{
    private readonly string _connectionString;

    private protected SystemStatusTests(string connectionString) => _connectionString = connectionString;

    [Fact]
    public async Task One_view_shows_redis_agents_queues_and_counters_and_notifies_subscribers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _connectionString,
            ["ToolHost:Agents:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..8] + ":",
            ["ToolHost:Agents:MaxQueueLength"] = "3",
            ["ToolHost:Agents:SweepInterval"] = "00:00:00.200",
        });
        await using var client = await AgentClient.ConnectAsync(server, "2025-11-25", cts.Token);
        await client.RegisterAsync("busy", ["work"], cancellationToken: cts.Token);
        await client.RegisterAsync("idle", ["work"], cancellationToken: cts.Token);
        await client.RegisterAsync("gone", ["other"], heartbeat: 1, cancellationToken: cts.Token);

        async Task<JsonElement> StatusAsync()
        {
            var read = await client.Client.ReadResourceAsync("status://system", cancellationToken: cts.Token);
            using var document = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text);
            return document.RootElement.Clone();
        }

        var notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.Client.SubscribeToResourceAsync("status://system", (_, _) => { notified.TrySetResult(); return default; }, cancellationToken: cts.Token);
        for (var i = 0; i < 3; i++)
        {
            await client.CallAsync("messages_send", new { to = "busy", type = "job", payload = i }, cts.Token);
        }
        await notified.Task.WaitAsync(cts.Token);

        await Eventually.HoldsAsync(async () => (await StatusAsync()).GetProperty("agents").GetProperty("timedOut").GetInt32() == 1, "the agent without heartbeats is counted as timed out");
        var status = await StatusAsync();
        Assert.True(status.GetProperty("redis").GetProperty("connected").GetBoolean());
        Assert.Equal(2, status.GetProperty("agents").GetProperty("active").GetInt32());
        var queues = status.GetProperty("queues");
        Assert.Equal(3, queues.GetProperty("total").GetInt64());
        Assert.Equal("busy", queues.GetProperty("deepest").GetString());
        Assert.Equal(1, queues.GetProperty("full").GetInt32());
        Assert.InRange(queues.GetProperty("oldestAgeSeconds").GetDouble(), 0, 60);
        Assert.False(status.GetProperty("healthy").GetBoolean()); // a full mailbox
        Assert.Equal(3, status.GetProperty("messages").GetProperty("messagesSent").GetInt64());

        await client.ReceiveAsync("busy", cancellationToken: cts.Token);
        using var http = new HttpClient();
        using var fromHttp = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.BaseAddress, "/stats/system"), cts.Token));
        Assert.True(fromHttp.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(0, fromHttp.RootElement.GetProperty("queues").GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, fromHttp.RootElement.GetProperty("queues").GetProperty("oldestAgeSeconds").ValueKind);
    }

    [Fact]
    public async Task A_change_right_after_an_update_is_announced_too()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(AgentSettings.For(_connectionString));
        await using var client = await AgentClient.ConnectAsync(server, "2025-11-25", cts.Token);
        await client.RegisterAsync("w", ["work"], cancellationToken: cts.Token);
        using var updates = new SemaphoreSlim(0);
        await using var subscription = await client.Client.SubscribeToResourceAsync("status://system", (_, _) => { updates.Release(); return default; }, cancellationToken: cts.Token);

        // Updates are paced (at most one a second): the second send falls inside the pause after the first update and
        // must be announced when it ends, or a subscriber would keep the status it read after the first.
        await client.CallAsync("messages_send", new { to = "w", type = "job", payload = 1 }, cts.Token);
        await updates.WaitAsync(cts.Token);
        await client.CallAsync("messages_send", new { to = "w", type = "job", payload = 2 }, cts.Token);
        await updates.WaitAsync(cts.Token);
        var read = await client.Client.ReadResourceAsync("status://system", cancellationToken: cts.Token);
        using var status = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text);
        Assert.Equal(2, status.RootElement.GetProperty("queues").GetProperty("total").GetInt64());
    }
}

/// <summary>System status on redis-server 7.</summary>
public sealed class SystemStatusOnRedisTests : SystemStatusTests, IClassFixture<RedisFixture>
{
    public SystemStatusOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>System status on Garnet.</summary>
public sealed class SystemStatusOnGarnetTests : SystemStatusTests, IClassFixture<GarnetFixture>
{
    public SystemStatusOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>System status on a three-primary Redis Cluster.</summary>
public sealed class SystemStatusOnRedisClusterTests : SystemStatusTests, IClassFixture<RedisClusterFixture>
{
    public SystemStatusOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
