using System.Net;
using McpAspire.Redis;

namespace McpAspire.Gateway.Tests.RateLimiting;

/// <summary>
/// Rate limits shared by gateway replicas through a real Redis (redis-server and Garnet): the Lua token bucket, 429 with
/// Retry-After and the JSON-RPC error in both protocol eras, per principal and per tool, reset, and fail-open.
/// </summary>
public sealed class SharedRateLimitTests
{
    private static Dictionary<string, string?> Settings(RedisServerProcess redis, Uri toolHost, params (string Key, string Value)[] limits)
    {
        var settings = Downstreams.Http("toolhost", toolHost);
        settings["ConnectionStrings:redis"] = redis.ConnectionString;
        foreach (var (key, value) in limits)
        {
            settings[$"Gateway:RateLimits:{key}"] = value;
        }
        return settings;
    }

    private static Task<RunningApp> ToolHostAsync() =>
        RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });

    [Theory]
    [InlineData(RedisServerKind.Redis)]
    [InlineData(RedisServerKind.Garnet)]
    public async Task Two_replicas_on_one_redis_allow_exactly_the_limit_in_total(RedisServerKind kind)
    {
        await using var redis = await RedisServerProcess.StartAsync(kind);
        await using var toolHost = await ToolHostAsync();
        // A long window: no token comes back during the test, so the count is exact.
        var settings = Settings(redis, toolHost.McpUri, ("Principal:Limit", "5"), ("Principal:Window", "01:00:00"));
        await using var a = await LimitedGateway.StartAsync(settings);
        await using var b = await LimitedGateway.StartAsync(settings);
        await a.WaitReadyAsync();
        await b.WaitReadyAsync();
        using var meter = new RateLimitMeter(a, b);

        using var balancer = new AlternatingHandler(a.BaseAddress, b.BaseAddress);
        using var http = new HttpClient(balancer);
        var served = 0;
        for (var id = 1; id <= 12; id++)
        {
            var response = await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(a.McpUri, "alice", "echo", id));
            if (response.Status == HttpStatusCode.OK)
            {
                LimitedCalls.AssertServed(response);
                Assert.Contains($"m{id}", response.Body, StringComparison.Ordinal);
                served++;
            }
            else
            {
                var data = LimitedCalls.AssertLimited(response, "principal", 5, id);
                // One token per 720 s comes back; the wait is for the next one.
                Assert.InRange(data.GetProperty("retryAfterMs").GetInt64(), 1, 720_000);
            }
        }
        Assert.Equal(5, served);
        Assert.Equal(6, balancer.PostsTo(a.BaseAddress));
        Assert.Equal(6, balancer.PostsTo(b.BaseAddress));
        Assert.Equal(7, meter.RejectedPrincipal);
        Assert.Equal(0, meter.StoreFailures);

        // One key for alice, under the prefix, with a TTL (nothing leaks).
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = client.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync("gateway:ratelimit:{u:alice}:p");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61)); // a full refill (5 × 720 s) plus 1 s
    }
}
