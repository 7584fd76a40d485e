using System.Net;
using StackExchange.Redis;

namespace McpAspire.Gateway.Tests.RateLimiting;

/// <summary>
/// Rate limits shared by gateway replicas through a real Redis (redis-server and Garnet): the Lua token bucket, 429 with
/// Retry-After and the JSON-RPC error in both protocol eras, per principal and per tool, reset, and fail-open.
/// </summary>
public sealed class SharedRateLimitTests
{
    private static Dictionary<string, string?> Settings(RedisServerProcess redis, Uri toolHost, params (string Key, string Value)[] limits) =>
        Settings(redis.ConnectionString, toolHost, limits);

    private static Dictionary<string, string?> Settings(string redisConnectionString, Uri toolHost, params (string Key, string Value)[] limits)
    {
        var settings = Downstreams.Http("toolhost", toolHost);
        settings["ConnectionStrings:redis"] = redisConnectionString;
        // These tests count; the 1 s production bound is not what they check (the store-down test sets its own). Garnet's
        // first script run took 1.1 s on a loaded 2-core CI machine and turned a counted call into a 503.
        settings["Gateway:RateLimits:RedisTimeout"] = "00:00:10";
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
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var db = client.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync("gateway:ratelimit:{u:key:alice}:p");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61)); // a full refill (5 × 720 s) plus 1 s

        if (kind == RedisServerKind.Garnet)
        {
            return; // Garnet's INFO commandstats does not count script calls
        }
        // One round trip per check: 12 script runs (StackExchange.Redis loads the script once per server, then EVALSHA).
        var info = await client.GetServer(client.GetEndPoints()[0]).InfoRawAsync("commandstats") ?? "";
        var scriptCalls = info.Split('\n')
            .Where(l => l.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) || l.StartsWith("cmdstat_eval:", StringComparison.Ordinal))
            .Sum(l => long.Parse(l.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(scriptCalls, 12, 13);
    }

    [Theory]
    [InlineData(RedisServerKind.Redis)]
    [InlineData(RedisServerKind.Garnet)]
    public async Task A_tool_limit_is_per_principal_and_tool_and_leaves_other_tools_and_principals_alone(RedisServerKind kind)
    {
        await using var redis = await RedisServerProcess.StartAsync(kind);
        await using var toolHost = await ToolHostAsync();
        await using var gateway = await LimitedGateway.StartAsync(Settings(redis, toolHost.McpUri,
            ("Principal:Limit", "100"), ("Principal:Window", "10:00:00"),
            ("Tool:Limit", "2"), ("Tool:Window", "01:00:00"),
            ("Tools:test_simple_text:Limit", "3"), ("Tools:test_simple_text:Window", "01:00:00")));
        await gateway.WaitReadyAsync();
        using var meter = new RateLimitMeter(gateway);
        using var http = new HttpClient();
        Task<RawResponse> Call(string? user, string tool, long id) => LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, user, tool, id));

        // echo: the default of 2 per principal.
        LimitedCalls.AssertServed(await Call("alice", "echo", 1));
        LimitedCalls.AssertServed(await Call("alice", "echo", 2));
        var data = LimitedCalls.AssertLimited(await Call("alice", "echo", 3), "tool", 2, 3);
        Assert.Equal("echo", data.GetProperty("tool").GetString());

        // Another tool of alice's has its own bucket, with its override of 3.
        for (var id = 4; id <= 6; id++)
        {
            LimitedCalls.AssertServed(await Call("alice", "test_simple_text", id));
        }
        LimitedCalls.AssertLimited(await Call("alice", "test_simple_text", 7), "tool", 3, 7);

        // Other principals (an authenticated one and an anonymous client) have their own buckets for the same tool.
        LimitedCalls.AssertServed(await Call("bob", "echo", 8));
        LimitedCalls.AssertServed(await Call("bob", "echo", 9));
        LimitedCalls.AssertServed(await Call(null, "echo", 10));
        LimitedCalls.AssertLimited(await Call("alice", "echo", 11), "tool", 2, 11);

        // A rejected tool call took nothing from alice's principal bucket: 5 served of her 100, and tools/list still works.
        using var list = RawMcp.Post(gateway.McpUri, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\",\"params\":{" + RawMcp.Meta2026 + "}}");
        list.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        list.Headers.Add("Mcp-Method", "tools/list");
        TestUsers.Authenticate(list, "alice");
        LimitedCalls.AssertServed(await LimitedCalls.SendAsync(http, list));
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var bucket = (string?)await client.GetDatabase().StringGetAsync("gateway:ratelimit:{u:key:alice}:p");
        var tokens = double.Parse(bucket!.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(tokens, 100 - 6, 100 - 6 + 0.5); // 5 tool calls + 1 list taken; refill is 1 per 6 min
        Assert.Equal(3, meter.RejectedTool);
        Assert.Equal(0, meter.RejectedPrincipal);
    }

    [Fact]
    public async Task Principal_and_tool_buckets_are_shared_by_replicas_on_a_redis_cluster()
    {
        await using var cluster = await RedisClusterProcess.StartAsync();
        await using var toolHost = await ToolHostAsync();
        var settings = Settings(cluster.ConnectionString, toolHost.McpUri,
            ("Principal:Limit", "3"), ("Principal:Window", "01:00:00"), ("Tool:Limit", "2"), ("Tool:Window", "01:00:00"));
        await using var a = await LimitedGateway.StartAsync(settings);
        await using var b = await LimitedGateway.StartAsync(settings);
        await a.WaitReadyAsync();
        await b.WaitReadyAsync();
        using var meter = new RateLimitMeter(a, b);
        using var balancer = new AlternatingHandler(a.BaseAddress, b.BaseAddress);
        using var http = new HttpClient(balancer);
        Task<RawResponse> Call(string tool, long id) => LimitedCalls.SendAsync(http, LimitedCalls.Stateless(a.McpUri, "alice", tool, id));

        // Both buckets are checked and taken in one script: the keys share alice's hash tag, so one slot of the cluster.
        LimitedCalls.AssertServed(await Call("echo", 1));
        LimitedCalls.AssertServed(await Call("echo", 2));
        LimitedCalls.AssertLimited(await Call("echo", 3), "tool", 2, 3);
        LimitedCalls.AssertServed(await Call("test_simple_text", 4));
        LimitedCalls.AssertLimited(await Call("test_simple_text", 5), "principal", 3, 5);
        Assert.Equal(1, meter.RejectedTool);
        Assert.Equal(1, meter.RejectedPrincipal);
        Assert.Equal(0, meter.StoreFailures);

        await using var client = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        var bucket = (string?)await client.GetDatabase().StringGetAsync("gateway:ratelimit:{u:key:alice}:p");
        Assert.InRange(double.Parse(bucket!.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture), 0, 0.5);
    }

    [Fact]
    public async Task A_2025_session_is_limited_by_the_same_buckets_and_ping_and_notifications_are_exempt()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var toolHost = await ToolHostAsync();
        await using var gateway = await LimitedGateway.StartAsync(Settings(redis, toolHost.McpUri, ("Principal:Limit", "3"), ("Principal:Window", "01:00:00")));
        await gateway.WaitReadyAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(McpAspire.Gateway.Security.GatewayAuthenticationHandler.ApiKeyHeader, TestUsers.KeyOf("carol"));

        // initialize counts (1); notifications/initialized does not.
        var sessionId = await RawMcp.InitializeAsync(http, gateway.McpUri);
        Task<RawResponse> Send(string body) => LimitedCalls.SendAsync(http, RawMcp.Post(gateway.McpUri, body, sessionId));
        LimitedCalls.AssertServed(await Send("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"a"}}}"""));
        LimitedCalls.AssertServed(await Send("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"message":"b"}}}"""));
        var limited = await Send("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"message":"c"}}}""");
        LimitedCalls.AssertLimited(limited, "principal", 3, 4);
        Assert.Null(limited.SessionId); // rejected before the session was looked up

        // Exempt: ping, and notifications (a client must always be able to cancel).
        LimitedCalls.AssertServed(await Send("""{"jsonrpc":"2.0","id":5,"method":"ping"}"""));
        var cancel = await Send("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":4}}""");
        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);

        // The session itself is fine; the same principal over 2026 shares the bucket and is limited too.
        var stateless = await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, null, "echo", 6));
        LimitedCalls.AssertLimited(stateless, "principal", 3, 6);
    }

    [Fact]
    public async Task Tokens_come_back_after_the_window()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var toolHost = await ToolHostAsync();
        await using var gateway = await LimitedGateway.StartAsync(Settings(redis, toolHost.McpUri, ("Principal:Limit", "2"), ("Principal:Window", "00:00:01")));
        await gateway.WaitReadyAsync();
        using var http = new HttpClient();
        Task<RawResponse> Call(long id) => LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "dave", "echo", id));

        // Exhaust the bucket: the first limited answer proves it is empty (the loop tolerates a token coming back meanwhile).
        var id = 0L;
        RawResponse response;
        do
        {
            response = await Call(++id);
        }
        while (response.Status == HttpStatusCode.OK && id < 50);
        var data = LimitedCalls.AssertLimited(response, "principal", 2, id);
        Assert.InRange(data.GetProperty("retryAfterMs").GetInt64(), 1, 500); // one token per 500 ms

        await Eventually.HoldsAsync(async () => (await Call(++id)).Status == HttpStatusCode.OK, "a token came back", 10);
    }

    [Fact]
    public async Task With_redis_down_requests_are_served_and_limits_return_with_redis()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var toolHost = await ToolHostAsync();
        var logs = new CapturingLoggerProvider();
        await using var gateway = await LimitedGateway.StartAsync(Settings(redis, toolHost.McpUri,
            ("Principal:Limit", "1"), ("Principal:Window", "01:00:00"), ("RedisTimeout", "00:00:00.500"), ("FailureLogInterval", "01:00:00")), logs);
        await gateway.WaitReadyAsync();
        using var meter = new RateLimitMeter(gateway);
        using var http = new HttpClient();
        Task<RawResponse> Call(long id) => LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "erin", "echo", id));

        LimitedCalls.AssertServed(await Call(1));
        LimitedCalls.AssertLimited(await Call(2), "principal", 1, 2);

        await redis.KillAsync();
        for (var id = 3; id <= 6; id++)
        {
            LimitedCalls.AssertServed(await Call(id)); // fail open
        }
        Assert.True(meter.StoreFailures >= 4, $"every unchecked request is counted ({meter.StoreFailures})");
        var warnings = logs.Entries.Where(e => e.Category.EndsWith(nameof(McpAspire.Gateway.RateLimiting.RateLimitFilter), StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings); // at most one per FailureLogInterval
        Assert.Contains("fail open", warning.Message, StringComparison.Ordinal);
        using (var health = await http.GetAsync(new Uri(gateway.BaseAddress, "health")))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode); // degraded, not unready: the gateway still serves
            Assert.Contains("Degraded", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A fresh, empty Redis on the same port: once reconnected, the limit applies again.
        await redis.StartAgainAsync();
        var next = 6L;
        await Eventually.HoldsAsync(async () => (await Call(++next)).Status == (HttpStatusCode)429, "limits apply again after Redis returned", 30);
    }
}
