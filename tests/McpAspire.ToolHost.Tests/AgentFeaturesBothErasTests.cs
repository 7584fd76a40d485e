using System.Text.Json;
using McpAspire.TestSupport;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// Each server-core feature through the C# SDK client in both MCP eras: a 2025-11-25 session and stateless 2026-07-28
/// requests (every call its own HTTP request, no session): message types, routing rules, compression, the error history
/// (tool and resource) and the system status (resource and its update notification: <c>resources/subscribe</c> in a
/// session, <c>subscriptions/listen</c> in 2026).
/// </summary>
public abstract class AgentFeaturesBothErasTests
{
    private readonly string _connectionString;

    private protected AgentFeaturesBothErasTests(string connectionString) => _connectionString = connectionString;

    private static string Text(ReadResourceResult read) => Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text;

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Every_feature_works_in_the_era(string protocolVersion)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(AgentSettings.For(_connectionString));
        await using var client = await AgentClient.ConnectAsync(server, protocolVersion, cts.Token);
        Assert.Equal(protocolVersion, client.Client.NegotiatedProtocolVersion);
        await client.RegisterAsync("admin", ["types:admin", "rules:admin"], cancellationToken: cts.Token);
        await client.RegisterAsync("worker", ["work"], cancellationToken: cts.Token);
        await client.RegisterAsync("reviewer", ["review"], cancellationToken: cts.Token);

        // Status updates, subscribed before anything changes: resources/subscribe in a session, a listen stream in 2026.
        var updated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncDisposable subscription;
        Func<Task> statusUpdated;
        if (protocolVersion.StartsWith("2025-", StringComparison.Ordinal))
        {
            subscription = await client.Client.SubscribeToResourceAsync("status://system", (n, _) =>
            {
                if (n.Uri == "status://system")
                {
                    updated.TrySetResult();
                }
                return default;
            }, cancellationToken: cts.Token);
            statusUpdated = () => updated.Task.WaitAsync(cts.Token);
        }
        else
        {
            var listen = await ListenStream.OpenAsync(server.McpUri, ["status://system"], cts.Token);
            Assert.Equal(["status://system"], listen.Acknowledged.GetProperty("resourceSubscriptions").EnumerateArray().Select(e => e.GetString()));
            subscription = listen;
            statusUpdated = () => listen.WaitForUpdateAsync("status://system", cts.Token);
        }
        await using var _ = subscription;

        // Message types.
        await client.CallAsync("message_types_declare", new
        {
            name = "job",
            from = "admin",
            schema = new { type = "object", required = new[] { "n" }, properties = new { n = new { type = "integer" } } },
        }, cts.Token);
        var refused = await client.CallErrorAsync("messages_send", new { to = "worker", type = "job", payload = new { n = "one" } }, cts.Token);
        Assert.Contains("at '/n' rule 'type' (/properties/n)", refused, StringComparison.Ordinal);
        await client.CallAsync("messages_send", new { to = "worker", type = "job", payload = new { n = 1 } }, cts.Token);

        // Routing rules.
        await client.CallAsync("routing_rules_add", new { name = "done-to-review", action = "any", from = "admin", type = "job.done", rewriteCapability = "review" }, cts.Token);
        var routed = await client.CallAsync("messages_send", new { capability = "work", from = "worker", type = "job.done", payload = new { n = 1 } }, cts.Token);
        Assert.Equal("done-to-review", routed.GetProperty("rule").GetString());
        Assert.Equal("reviewer", routed.GetProperty("deliveries")[0].GetProperty("agentId").GetString());

        // Compression.
        var large = JsonSerializer.SerializeToElement(new { rows = Enumerable.Range(0, 300).Select(i => new { id = i, text = $"row {i} ✓" }).ToArray() });
        await client.CallAsync("messages_send", new { to = "worker", type = "bulk", payload = large }, cts.Token);
        var received = await client.ReceiveAsync("worker", cancellationToken: cts.Token);
        Assert.Equal(["job", "bulk"], received.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal(large.GetRawText(), received[1].GetProperty("payload").GetRawText());

        // System status: the update arrived; the view has the agents, the waiting message, the rule hit, the savings.
        await statusUpdated();
        using (var status = JsonDocument.Parse(Text(await client.Client.ReadResourceAsync("status://system", cancellationToken: cts.Token))))
        {
            var root = status.RootElement;
            Assert.True(root.GetProperty("healthy").GetBoolean());
            Assert.Equal(3, root.GetProperty("agents").GetProperty("active").GetInt32());
            Assert.Equal(1, root.GetProperty("queues").GetProperty("total").GetInt64());
            Assert.Equal(1, root.GetProperty("ruleHits").GetProperty("done-to-review").GetInt64());
            Assert.Equal(1, root.GetProperty("messages").GetProperty("messagesCompressed").GetInt64());
            Assert.Equal(1, root.GetProperty("errors").GetProperty("validation:warning").GetInt64());
        }

        // Errors: the refusal, as a tool result and as a resource.
        var errors = await client.CallAsync("errors_list", new { category = "validation" }, cts.Token);
        Assert.Contains("'/n'", Assert.Single(errors.GetProperty("errors").EnumerateArray()).GetProperty("message").GetString(), StringComparison.Ordinal);
        using var recent = JsonDocument.Parse(Text(await client.Client.ReadResourceAsync("errors://recent", cancellationToken: cts.Token)));
        Assert.Equal("messages_send", Assert.Single(recent.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("tool").GetString());
    }
}

/// <summary>Both eras on redis-server 7.</summary>
public sealed class AgentFeaturesBothErasOnRedisTests : AgentFeaturesBothErasTests, IClassFixture<RedisFixture>
{
    public AgentFeaturesBothErasOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Both eras on Garnet.</summary>
public sealed class AgentFeaturesBothErasOnGarnetTests : AgentFeaturesBothErasTests, IClassFixture<GarnetFixture>
{
    public AgentFeaturesBothErasOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Both eras on a three-primary Redis Cluster.</summary>
public sealed class AgentFeaturesBothErasOnRedisClusterTests : AgentFeaturesBothErasTests, IClassFixture<RedisClusterFixture>
{
    public AgentFeaturesBothErasOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
