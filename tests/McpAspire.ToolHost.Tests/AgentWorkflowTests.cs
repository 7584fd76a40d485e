using System.Text.Json;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The agent workflow of the issue: three agents (planner, coder, reviewer) on two tool host replicas, in both eras,
/// working at the same time and coordinating only through routing rules the planner added: every task, result and
/// review arrives exactly once and in the order it was sent, and nothing is left over.
/// </summary>
public abstract class AgentWorkflowTests
{
    private const int Tasks = 25;

    private readonly string _connectionString;

    private protected AgentWorkflowTests(string connectionString) => _connectionString = connectionString;

    // Receives until `count` messages came (each receive takes what is there, waiting up to 10 s when nothing is).
    private static async Task<List<JsonElement>> ReceiveAllAsync(AgentClient client, string agentId, int count, Func<JsonElement, Task> onMessage, CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        while (all.Count < count)
        {
            var batch = await client.ReceiveAsync(agentId, max: 7, wait: 10, cancellationToken: cancellationToken);
            Assert.True(batch.Count > 0, $"{agentId} got {all.Count} of {count} messages, then nothing for 10 s");
            foreach (var message in batch)
            {
                all.Add(message);
                await onMessage(message);
            }
        }
        return all;
    }

    // The rule that decided a send, "" when none did, null when the send failed.
    private static async Task<string?> TrySendAsync(AgentClient client, object arguments, CancellationToken cancellationToken)
    {
        var result = await client.Client.CallToolAsync("messages_send", JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)), cancellationToken: cancellationToken);
        return result.IsError == true ? null : JsonSerializer.SerializeToElement(result.StructuredContent).GetProperty("rule").GetString() ?? "";
    }

    private static int Seq(JsonElement message) => message.GetProperty("payload").GetProperty("seq").GetInt32();

    [Fact]
    public async Task Three_agents_on_two_replicas_get_every_message_exactly_once_and_in_order()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var settings = AgentSettings.For(_connectionString);
        await using var replicaA = await ToolHostServer.StartAsync(settings);
        await using var replicaB = await ToolHostServer.StartAsync(settings);
        await using var planner = await AgentClient.ConnectAsync(replicaA, "2026-07-28", cts.Token);
        await using var coder = await AgentClient.ConnectAsync(replicaB, "2025-11-25", cts.Token);
        await using var reviewer = await AgentClient.ConnectAsync(replicaB, "2026-07-28", cts.Token);
        await planner.RegisterAsync("planner", ["plan", "rules:admin"], cancellationToken: cts.Token);
        await coder.RegisterAsync("coder", ["code"], cancellationToken: cts.Token);
        await reviewer.RegisterAsync("reviewer", ["review"], cancellationToken: cts.Token);

        // The planner wires the workflow: tasks go to a coder, finished code to a reviewer, reviews back to it.
        await planner.CallAsync("routing_rules_add", new { name = "tasks-to-coders", action = "any", from = "planner", type = "task.*", rewriteCapability = "code" }, cts.Token);
        await planner.CallAsync("routing_rules_add", new { name = "done-to-review", action = "any", from = "planner", type = "code.done", rewriteCapability = "review" }, cts.Token);
        await planner.CallAsync("routing_rules_add", new { name = "reviews-to-planner", action = "direct", from = "planner", type = "review.*", to = "planner" }, cts.Token);
        // Replica B routes by the rules once it has heard of them over pub/sub: probe the two it applies, then drain.
        await Eventually.HoldsAsync(async () => await TrySendAsync(coder, new { to = "planner", from = "coder", type = "code.done", payload = new { seq = -1 } }, cts.Token) == "done-to-review",
            "replica B applies done-to-review");
        await Eventually.HoldsAsync(async () => await TrySendAsync(reviewer, new { capability = "nobody", from = "reviewer", type = "review.done", payload = new { seq = -1 } }, cts.Token) == "reviews-to-planner",
            "replica B applies reviews-to-planner");
        await planner.ReceiveAsync("planner", cancellationToken: cts.Token);
        await reviewer.ReceiveAsync("reviewer", cancellationToken: cts.Token);

        // All three work at once: the coder and reviewer answer each message as it comes, sending to the planner or to
        // a capability nobody has — only the rules deliver them where they belong.
        var coding = Task.Run(() => ReceiveAllAsync(coder, "coder", Tasks, m =>
            coder.CallAsync("messages_send", new { to = "planner", from = "coder", type = "code.done", payload = new { seq = Seq(m) } }, cts.Token), cts.Token));
        var reviewing = Task.Run(() => ReceiveAllAsync(reviewer, "reviewer", Tasks, m =>
            reviewer.CallAsync("messages_send", new { capability = "nobody", from = "reviewer", type = "review.done", payload = new { seq = Seq(m), ok = true } }, cts.Token), cts.Token));
        var collecting = Task.Run(() => ReceiveAllAsync(planner, "planner", Tasks, _ => Task.CompletedTask, cts.Token));
        for (var seq = 0; seq < Tasks; seq++)
        {
            var sent = await planner.CallAsync("messages_send", new { capability = "plan", from = "planner", type = "task.assign", payload = new { seq } }, cts.Token);
            Assert.Equal("tasks-to-coders", sent.GetProperty("rule").GetString());
        }

        var expected = Enumerable.Range(0, Tasks).ToList();
        var coded = await coding;
        Assert.Equal(expected, coded.Select(Seq));
        Assert.All(coded, m => Assert.Equal("planner", m.GetProperty("from").GetString()));
        var reviewed = await reviewing;
        Assert.Equal(expected, reviewed.Select(Seq));
        Assert.All(reviewed, m => Assert.Equal("coder", m.GetProperty("from").GetString()));
        var collected = await collecting;
        Assert.Equal(expected, collected.Select(Seq));
        Assert.All(collected, m => Assert.Equal(("review.done", "reviewer"), (m.GetProperty("type").GetString(), m.GetProperty("from").GetString())));

        // Nothing extra anywhere, and the counters agree: all sent was delivered, each rule decided each message once (+1 probe).
        foreach (var (client, id) in new[] { (planner, "planner"), (coder, "coder"), (reviewer, "reviewer") })
        {
            Assert.Empty(await client.ReceiveAsync(id, cancellationToken: cts.Token));
        }
        await Eventually.HoldsAsync(async () =>
        {
            var stats = await planner.CallAsync("agents_stats", null, cts.Token);
            var hits = stats.GetProperty("ruleHits");
            return stats.GetProperty("messagesSent").GetInt64() == stats.GetProperty("messagesDelivered").GetInt64()
                && hits.GetProperty("tasks-to-coders").GetInt64() == Tasks
                && hits.GetProperty("done-to-review").GetInt64() == Tasks + 1
                && hits.GetProperty("reviews-to-planner").GetInt64() == Tasks + 1;
        }, "every message sent was delivered and every rule decided each of its messages once");
    }
}

/// <summary>The workflow on redis-server 7.</summary>
public sealed class AgentWorkflowOnRedisTests : AgentWorkflowTests, IClassFixture<RedisFixture>
{
    public AgentWorkflowOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>The workflow on Garnet.</summary>
public sealed class AgentWorkflowOnGarnetTests : AgentWorkflowTests, IClassFixture<GarnetFixture>
{
    public AgentWorkflowOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>The workflow on a three-primary Redis Cluster.</summary>
public sealed class AgentWorkflowOnRedisClusterTests : AgentWorkflowTests, IClassFixture<RedisClusterFixture>
{
    public AgentWorkflowOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
