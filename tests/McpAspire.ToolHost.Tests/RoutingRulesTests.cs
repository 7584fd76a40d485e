using System.Text.Json;
using McpAspire.TestSupport;
using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// Routing rules through the C# SDK client on real Kestrel and a real Redis-compatible server: configured and
/// agent-added rules, first match decides (direct, any, broadcast, drop, capability rewrite), hits in the stats, a
/// three-agent workflow across two replicas, and clear refusals.
/// </summary>
public abstract class RoutingRulesTests
{
    private readonly string _connectionString;

    private protected RoutingRulesTests(string connectionString) => _connectionString = connectionString;

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] extra) => AgentSettings.For(_connectionString, extra);

    private static (string, string)[] Rule(int index, params (string Key, string Value)[] fields) =>
        [.. fields.Select(f => ($"RoutingRules:{index}:{f.Key}", f.Value))];

    private static string? RuleOf(JsonElement sent) => sent.GetProperty("rule").GetString();

    [Fact]
    public async Task Configured_rules_drop_rewrite_and_redirect_and_count_their_hits()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(Settings([
            .. Rule(0, ("Name", "quiet-debug"), ("Action", "drop"), ("Type", "debug.*")),
            .. Rule(1, ("Name", "escalate"), ("Action", "any"), ("Type", "alert.*"), ("TargetCapability", "ops"), ("RewriteCapability", "oncall")),
            .. Rule(2, ("Name", "reports-to-lead"), ("Action", "direct"), ("Type", "report"), ("SenderCapability", "work*"), ("To", "lead")),
            .. Rule(3, ("Name", "news-to-all"), ("Action", "broadcast"), ("Type", "news.*"), ("TargetCapability", "team")),
        ]));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("lead", ["lead"], cancellationToken: cts.Token);
        await client.RegisterAsync("w1", ["worker"], cancellationToken: cts.Token);
        await client.RegisterAsync("o1", ["oncall"], cancellationToken: cts.Token);
        await client.RegisterAsync("ops1", ["ops"], cancellationToken: cts.Token);

        var dropped = await client.CallAsync("messages_send", new { to = "w1", type = "debug.trace", payload = 1 }, cts.Token);
        Assert.True(dropped.GetProperty("dropped").GetBoolean());
        Assert.Equal("quiet-debug", RuleOf(dropped));
        Assert.Equal(0, dropped.GetProperty("deliveries").GetArrayLength());
        var escalated = await client.CallAsync("messages_send", new { capability = "ops", type = "alert.cpu", payload = new { load = 9 } }, cts.Token);
        Assert.Equal("o1", escalated.GetProperty("deliveries")[0].GetProperty("agentId").GetString());
        Assert.Equal("escalate", RuleOf(escalated));
        var redirected = await client.CallAsync("messages_send", new { to = "o1", from = "w1", type = "report", payload = "done" }, cts.Token);
        Assert.Equal("lead", redirected.GetProperty("deliveries")[0].GetProperty("agentId").GetString());
        // The sender pattern decides: o1 has no work* capability, so its report goes where it was addressed.
        var unmatched = await client.CallAsync("messages_send", new { to = "w1", from = "o1", type = "report", payload = "fyi" }, cts.Token);
        Assert.Null(RuleOf(unmatched));
        Assert.False(unmatched.GetProperty("dropped").GetBoolean());

        Assert.Equal(["report"], (await client.ReceiveAsync("w1", cancellationToken: cts.Token)).Select(m => m.GetProperty("type").GetString()));
        Assert.Equal(["alert.cpu"], (await client.ReceiveAsync("o1", cancellationToken: cts.Token)).Select(m => m.GetProperty("type").GetString()));
        Assert.Empty(await client.ReceiveAsync("ops1", cancellationToken: cts.Token));
        Assert.Equal("w1", Assert.Single(await client.ReceiveAsync("lead", cancellationToken: cts.Token)).GetProperty("from").GetString());

        // A broadcast rule: a message addressed to one agent of the team reaches all of it.
        await client.RegisterAsync("t1", ["team"], cancellationToken: cts.Token);
        await client.RegisterAsync("t2", ["team"], cancellationToken: cts.Token);
        var news = await client.CallAsync("messages_send", new { capability = "team", type = "news.daily", payload = "hello" }, cts.Token);
        Assert.Equal("news-to-all", RuleOf(news));
        Assert.Equal(["t1", "t2"], news.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("agentId").GetString()).Order());
        Assert.Single(await client.ReceiveAsync("t1", cancellationToken: cts.Token));
        Assert.Single(await client.ReceiveAsync("t2", cancellationToken: cts.Token));

        await Eventually.HoldsAsync(async () =>
        {
            var hits = (await client.CallAsync("agents_stats", null, cts.Token)).GetProperty("ruleHits");
            return hits.TryGetProperty("quiet-debug", out var a) && a.GetInt64() == 1
                && hits.TryGetProperty("escalate", out var b) && b.GetInt64() == 1
                && hits.TryGetProperty("reports-to-lead", out var c) && c.GetInt64() == 1
                && hits.TryGetProperty("news-to-all", out var d) && d.GetInt64() == 1;
        }, "every rule counted its one hit");
        var listed = await client.CallAsync("routing_rules_list", null, cts.Token);
        Assert.Equal(["quiet-debug", "escalate", "reports-to-lead", "news-to-all"], listed.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.All(listed.GetProperty("rules").EnumerateArray(), r => Assert.Equal("configuration", r.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Three_agents_coordinate_through_an_agent_added_rule_across_two_replicas()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var settings = Settings();
        await using var replicaA = await ToolHostServer.StartAsync(settings);
        await using var replicaB = await ToolHostServer.StartAsync(settings);
        await using var planner = await AgentClient.ConnectAsync(replicaA, cancellationToken: cts.Token);
        await using var coder = await AgentClient.ConnectAsync(replicaB, "2025-11-25", cts.Token);
        await using var reviewer = await AgentClient.ConnectAsync(replicaA, "2025-11-25", cts.Token);
        await planner.RegisterAsync("planner", ["plan", "rules:admin"], cancellationToken: cts.Token);
        await coder.RegisterAsync("coder", ["code"], cancellationToken: cts.Token);
        await reviewer.RegisterAsync("reviewer", ["review"], cancellationToken: cts.Token);
        // Replica B has read the (empty) rule list before the rule exists: it must hear about it.
        await coder.CallAsync("messages_send", new { to = "coder", type = "warmup", payload = 0 }, cts.Token);
        Assert.Single(await coder.ReceiveAsync("coder", cancellationToken: cts.Token));

        var denied = await coder.CallErrorAsync("routing_rules_add", new { name = "x", action = "drop", from = "coder" }, cts.Token);
        Assert.Contains("rules:admin", denied, StringComparison.Ordinal);
        await planner.CallAsync("routing_rules_add", new { name = "done-to-review", action = "any", from = "planner", type = "code.done", rewriteCapability = "review" }, cts.Token);

        await planner.CallAsync("messages_send", new { capability = "code", from = "planner", type = "task.assign", payload = new { task = "parser" } }, cts.Token);
        var task = Assert.Single(await coder.ReceiveAsync("coder", wait: 10, cancellationToken: cts.Token));
        Assert.Equal("parser", task.GetProperty("payload").GetProperty("task").GetString());
        // The coder answers the planner; the rule sends it to a reviewer instead (on replica B, added on A).
        await Eventually.HoldsAsync(async () =>
        {
            var sent = await coder.CallAsync("messages_send", new { to = "planner", from = "coder", type = "code.done", payload = new { task = "parser" } }, cts.Token);
            return RuleOf(sent) == "done-to-review";
        }, "replica B applies the rule added on replica A");
        var review = Assert.Single(await reviewer.ReceiveAsync("reviewer", wait: 10, cancellationToken: cts.Token));
        Assert.Equal("coder", review.GetProperty("from").GetString());
        await reviewer.CallAsync("messages_send", new { to = "planner", from = "reviewer", type = "review.done", payload = new { ok = true } }, cts.Token);
        // Sends made before replica B heard of the rule went where they were addressed (the planner); nothing else did.
        var atPlanner = await planner.ReceiveAsync("planner", wait: 10, cancellationToken: cts.Token);
        var done = Assert.Single(atPlanner, m => m.GetProperty("type").GetString() == "review.done");
        Assert.Equal("reviewer", done.GetProperty("from").GetString());
        Assert.All(atPlanner.Where(m => m.GetProperty("type").GetString() != "review.done"), m => Assert.Equal("code.done", m.GetProperty("type").GetString()));

        Assert.True((await planner.CallAsync("routing_rules_remove", new { name = "done-to-review", from = "planner" }, cts.Token)).GetProperty("removed").GetBoolean());
        await Eventually.HoldsAsync(async () =>
        {
            var sent = await coder.CallAsync("messages_send", new { to = "planner", from = "coder", type = "code.done", payload = "again" }, cts.Token);
            return RuleOf(sent) is null;
        }, "replica B stops applying the removed rule");
        Assert.Contains("again", (await planner.ReceiveAsync("planner", cancellationToken: cts.Token)).Select(m => m.GetProperty("payload").ToString()));
    }

    [Fact]
    public async Task Bad_rules_and_unroutable_messages_are_refused_clearly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(Settings(Rule(0, ("Name", "fixed"), ("Action", "drop"), ("Type", "noise"))));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("admin", ["rules:admin"], cancellationToken: cts.Token);

        Assert.Contains("must be direct, any, broadcast or drop", await client.CallErrorAsync("routing_rules_add", new { name = "r", action = "teleport", from = "admin" }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("Invalid 'type' pattern", await client.CallErrorAsync("routing_rules_add", new { name = "r", action = "drop", from = "admin", type = "a b" }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("Invalid 'to'", await client.CallErrorAsync("routing_rules_add", new { name = "r", action = "direct", from = "admin" }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("only for any and broadcast", await client.CallErrorAsync("routing_rules_add", new { name = "r", action = "drop", from = "admin", rewriteCapability = "x" }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("configuration", await client.CallErrorAsync("routing_rules_remove", new { name = "fixed", from = "admin" }, cts.Token), StringComparison.Ordinal);
        Assert.Equal(1, (await client.CallAsync("routing_rules_list", null, cts.Token)).GetProperty("count").GetInt32());

        // A rule that routes by capability, for a message sent to an agent, with no capability to route by.
        await client.CallAsync("routing_rules_add", new { name = "spread", action = "any", from = "admin", type = "job" }, cts.Token);
        var noTarget = await client.CallErrorAsync("messages_send", new { to = "admin", type = "job", payload = 1 }, cts.Token);
        Assert.Contains("routes by capability", noTarget, StringComparison.Ordinal);
        // A rewrite to a capability nobody has is refused, not lost.
        await client.CallAsync("routing_rules_add", new { name = "to-nobody", action = "broadcast", from = "admin", type = "ping", rewriteCapability = "nobody" }, cts.Token);
        var nobody = await client.CallErrorAsync("messages_send", new { capability = "rules:admin", type = "ping", payload = 1 }, cts.Token);
        Assert.Contains("No active agent has capability 'nobody'", nobody, StringComparison.Ordinal);
        Assert.Empty(await client.ReceiveAsync("admin", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task An_invalid_configured_rule_fails_start_up()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ToolHostServer.StartAsync(Settings(Rule(0, ("Name", "bad"), ("Action", "direct")))));
        Assert.Contains("ToolHost:Agents:RoutingRules", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'to'", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>Routing rules on redis-server 7.</summary>
public sealed class RoutingRulesOnRedisTests : RoutingRulesTests, IClassFixture<RedisFixture>
{
    public RoutingRulesOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Routing rules on Garnet.</summary>
public sealed class RoutingRulesOnGarnetTests : RoutingRulesTests, IClassFixture<GarnetFixture>
{
    public RoutingRulesOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Routing rules on a three-primary Redis Cluster.</summary>
public sealed class RoutingRulesOnRedisClusterTests : RoutingRulesTests, IClassFixture<RedisClusterFixture>
{
    public RoutingRulesOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
