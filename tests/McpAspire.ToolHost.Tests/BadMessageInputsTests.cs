using System.Text.Json;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// Bad inputs to the message path in both eras: an oversized payload (over the global limit and over its type's), a
/// payload that breaks its type's schema, an unknown type, and routing rules whose rewrites form a cycle. Each refusal is a
/// clear tool error recorded as a validation error; a cycle is decided by one rule (rules are evaluated once per
/// message) and delivers once; and nothing already queued, nor anything sent after, is lost or duplicated.
/// </summary>
public abstract class BadMessageInputsTests
{
    private readonly string _connectionString;

    private protected BadMessageInputsTests(string connectionString) => _connectionString = connectionString;

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Bad_inputs_get_clear_errors_and_lose_nothing(string protocolVersion)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(AgentSettings.For(_connectionString, ("MaxPayloadBytes", "1024"), ("RequireDeclaredTypes", "true")));
        await using var client = await AgentClient.ConnectAsync(server, protocolVersion, cts.Token);
        await client.RegisterAsync("admin", ["types:admin", "rules:admin"], cancellationToken: cts.Token);
        await client.RegisterAsync("w", ["work"], cancellationToken: cts.Token);
        await client.RegisterAsync("wa", ["a"], cancellationToken: cts.Token);
        await client.RegisterAsync("wb", ["b"], cancellationToken: cts.Token);
        await client.CallAsync("message_types_declare", new
        {
            name = "task",
            from = "admin",
            maxBytes = 200,
            schema = new { type = "object", required = new[] { "title" }, properties = new { title = new { type = "string" } } },
        }, cts.Token);
        await client.CallAsync("message_types_declare", new { name = "note", from = "admin" }, cts.Token);

        // Two messages queued before anything goes wrong.
        await client.CallAsync("messages_send", new { to = "w", type = "task", payload = new { title = "first" } }, cts.Token);
        await client.CallAsync("messages_send", new { to = "w", type = "note", payload = "second" }, cts.Token);

        var refusals = new (object Arguments, string Expected)[]
        {
            (new { to = "w", type = "note", payload = new string('x', 2000) }, "exceed the limit of 1024 bytes"),
            (new { to = "w", type = "task", payload = new { title = new string('x', 300) } }, "exceed the limit of 200 bytes"),
            (new { to = "w", type = "task", payload = new { title = 5 } }, "at '/title' rule 'type' (/properties/title): Value is \"integer\" but should be \"string\""),
            (new { to = "w", type = "task", payload = new[] { "not", "an", "object" } }, "at '/' rule 'type'"),
            (new { to = "w", type = "ghost.type", payload = 1 }, "Unknown message type 'ghost.type'"),
        };
        foreach (var (arguments, expected) in refusals)
        {
            var error = await client.CallErrorAsync("messages_send", arguments, cts.Token);
            Assert.True(error.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in '{error}'; history: {await client.CallAsync("errors_list", new { maxErrors = 1 }, cts.Token)}");
        }

        // Rewrites that cycle (a → b, b → a): one rule decides each message, so it is delivered once and never loops.
        await client.CallAsync("routing_rules_add", new { name = "a-to-b", action = "any", from = "admin", type = "note", targetCapability = "a", rewriteCapability = "b" }, cts.Token);
        await client.CallAsync("routing_rules_add", new { name = "b-to-a", action = "any", from = "admin", type = "note", targetCapability = "b", rewriteCapability = "a" }, cts.Token);
        var toB = await client.CallAsync("messages_send", new { capability = "a", type = "note", payload = "for a" }, cts.Token);
        Assert.Equal(("a-to-b", "wb"), (toB.GetProperty("rule").GetString(), Assert.Single(toB.GetProperty("deliveries").EnumerateArray()).GetProperty("agentId").GetString()));
        var toA = await client.CallAsync("messages_send", new { capability = "b", type = "note", payload = "for b" }, cts.Token);
        Assert.Equal(("b-to-a", "wa"), (toA.GetProperty("rule").GetString(), Assert.Single(toA.GetProperty("deliveries").EnumerateArray()).GetProperty("agentId").GetString()));
        Assert.Equal(["for a"], (await client.ReceiveAsync("wb", cancellationToken: cts.Token)).Select(m => m.GetProperty("payload").GetString()));
        Assert.Equal(["for b"], (await client.ReceiveAsync("wa", cancellationToken: cts.Token)).Select(m => m.GetProperty("payload").GetString()));

        // And a good message after the refusals still arrives: the mailbox holds exactly the three good ones, in order.
        await client.CallAsync("messages_send", new { to = "w", type = "task", payload = new { title = "third" } }, cts.Token);
        var received = await client.ReceiveAsync("w", cancellationToken: cts.Token);
        Assert.Equal(["""{"title":"first"}""", "\"second\"", """{"title":"third"}"""], received.Select(m => m.GetProperty("payload").GetRawText()));
        Assert.Empty(await client.ReceiveAsync("w", cancellationToken: cts.Token));

        var errors = await client.CallAsync("errors_list", new { category = "validation" }, cts.Token);
        Assert.Equal(refusals.Length, errors.GetProperty("count").GetInt32());
        Assert.All(errors.GetProperty("errors").EnumerateArray(), e => Assert.Equal(("messages_send", "warning"), (e.GetProperty("tool").GetString(), e.GetProperty("severity").GetString())));
        var stats = await client.CallAsync("agents_stats", null, cts.Token);
        Assert.Equal(5, stats.GetProperty("messagesSent").GetInt64());
    }
}

/// <summary>Bad inputs on redis-server 7.</summary>
public sealed class BadMessageInputsOnRedisTests : BadMessageInputsTests, IClassFixture<RedisFixture>
{
    public BadMessageInputsOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Bad inputs on Garnet.</summary>
public sealed class BadMessageInputsOnGarnetTests : BadMessageInputsTests, IClassFixture<GarnetFixture>
{
    public BadMessageInputsOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Bad inputs on a three-primary Redis Cluster.</summary>
public sealed class BadMessageInputsOnRedisClusterTests : BadMessageInputsTests, IClassFixture<RedisClusterFixture>
{
    public BadMessageInputsOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
