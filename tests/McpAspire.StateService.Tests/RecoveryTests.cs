using System.Net;
using System.Text.Json;
using McpAspire.StateService.Client;
using McpAspire.TestSupport;

namespace McpAspire.StateService.Tests;

/// <summary>Restarts: of the state service (sessions intact), and of Redis itself (503 meanwhile, then recovery with data).</summary>
public sealed class RecoveryTests
{
    [Fact]
    public async Task Sessions_survive_a_state_service_restart()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        string sid;
        await using (var first = await StateServiceHost.StartAsync(redis.ConnectionString))
        {
            sid = (await first.Client.CreateSessionAsync("alice")).Id;
            await first.Client.RegisterMcpClientAsync("alice", sid, "toolhost", new RegisterClientRequest("http://toolhost/mcp", ToolCount: 7));
        }
        await using var second = await StateServiceHost.StartAsync(redis.ConnectionString);
        Assert.NotNull(await second.Client.GetSessionAsync("alice", sid));
        Assert.Equal(7, (await second.Client.GetMcpClientAsync("alice", sid, "toolhost"))!.ToolCount);
    }

    [Fact]
    public async Task Change_made_through_one_replica_reaches_subscribers_of_another()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var a = await StateServiceHost.StartAsync(redis.ConnectionString);
        await using var b = await StateServiceHost.StartAsync(redis.ConnectionString);
        var sid = (await a.Client.CreateSessionAsync("alice")).Id;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var enumerator = b.Client.SubscribeAsync(sid, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = enumerator.MoveNextAsync().AsTask();
        await b.WaitForSubscribersAsync(1);
        var id = await a.Client.AppendEventAsync("alice", sid, "get", JsonDocument.Parse("{\"x\":1}").RootElement);
        Assert.True(await next);
        Assert.Equal(StateChangeTypes.SessionEvent, enumerator.Current.Type);
        Assert.Equal(id, enumerator.Current.Event!.Id);
        await enumerator.DisposeAsync();
    }

    [Fact]
    public async Task Redis_outage_gives_fast_503s_and_unhealthy_then_recovers_with_persisted_data()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis, persistent: true);
        await using var host = await StateServiceHost.StartAsync(redis.ConnectionString);
        var sid = (await host.Client.CreateSessionAsync("alice")).Id;
        await host.Client.AppendEventAsync("alice", sid, "get", JsonDocument.Parse("{\"before\":true}").RootElement);

        await redis.KillAsync();

        await Eventually.HoldsAsync(async () =>
        {
            using var health = await host.Http.GetAsync(new Uri("health", UriKind.Relative));
            return health.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "/health reported the outage");
        var error = await Assert.ThrowsAsync<StateServiceException>(() => host.Client.GetSessionAsync("alice", sid));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.True(error.IsUnavailable);
        var stats = await host.Client.GetStatsAsync();
        Assert.False(stats.RedisConnected);
        Assert.True(stats.Errors > 0);

        await redis.StartAgainAsync();

        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return await host.Client.GetSessionAsync("alice", sid) is not null;
            }
            catch (StateServiceException e) when (e.IsUnavailable)
            {
                return false;
            }
        }, "the session was readable again within 5 s of Redis coming back", timeoutSeconds: 5);
        var events = await host.Client.ReadEventsAsync("alice", sid);
        Assert.True(events!.Single().Data.GetProperty("before").GetBoolean());
        await Eventually.HoldsAsync(async () =>
        {
            using var health = await host.Http.GetAsync(new Uri("health", UriKind.Relative));
            return health.StatusCode == HttpStatusCode.OK;
        }, "/health was healthy again");
        Assert.True((await host.Client.GetStatsAsync()).Reconnections >= 1);
    }
}
