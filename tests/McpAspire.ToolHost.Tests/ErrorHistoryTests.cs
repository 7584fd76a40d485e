using System.Text.Json;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// Every failed tool call is classified (category, severity), counted and kept in a shared history readable through
/// errors_list (filters) and errors://recent, and counted in the system status.
/// </summary>
public abstract class ErrorHistoryTests
{
    private readonly string _connectionString;

    private protected ErrorHistoryTests(string connectionString) => _connectionString = connectionString;

    [Fact]
    public async Task Failed_calls_are_classified_kept_and_filterable_across_replicas()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _connectionString,
            ["ToolHost:Agents:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..8] + ":",
            ["ToolHost:Agents:MaxQueueLength"] = "1",
        };
        await using var replicaA = await ToolHostServer.StartAsync(settings);
        await using var replicaB = await ToolHostServer.StartAsync(settings);
        await using var onA = await AgentClient.ConnectAsync(replicaA, cancellationToken: cts.Token);
        await using var onB = await AgentClient.ConnectAsync(replicaB, cancellationToken: cts.Token);
        await onA.RegisterAsync("a1", ["work"], cancellationToken: cts.Token);

        await onA.CallErrorAsync("messages_send", new { to = "ghost", from = "a1", type = "t", payload = 1 }, cts.Token);   // unknown_agent
        await onA.CallErrorAsync("messages_send", new { capability = "nobody", from = "a1", type = "t", payload = 1 }, cts.Token); // routing
        await onB.CallAsync("messages_send", new { to = "a1", type = "t", payload = 1 }, cts.Token);
        await onB.CallErrorAsync("messages_send", new { to = "a1", type = "t", payload = 2 }, cts.Token);                    // queue_full
        await onB.CallErrorAsync("message_types_declare", new { name = "x", from = "a1" }, cts.Token);                          // permission
        await onB.CallErrorAsync("messages_send", new { to = "a1", type = "bad type!", payload = 1 }, cts.Token);             // validation

        JsonElement report = default;
        await Eventually.HoldsAsync(async () =>
        {
            report = await onA.CallAsync("errors_list", null, cts.Token);
            return report.GetProperty("count").GetInt32() == 5;
        }, "the five failures of both replicas are in the shared history");
        Assert.Equal(["validation", "permission", "queue_full", "routing", "unknown_agent"],
            report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("category").GetString()));
        Assert.All(report.GetProperty("errors").EnumerateArray(), e => Assert.Equal("warning", e.GetProperty("severity").GetString()));
        Assert.Equal(1, report.GetProperty("totals").GetProperty("routing:warning").GetInt64());
        var unknown = report.GetProperty("errors")[4];
        Assert.Equal("messages_send", unknown.GetProperty("tool").GetString());
        Assert.Equal("a1", unknown.GetProperty("agent").GetString());
        Assert.Contains("Unknown agent 'ghost'", unknown.GetProperty("message").GetString(), StringComparison.Ordinal);

        var forA1Routing = await onB.CallAsync("errors_list", new { agentId = "a1", category = "routing" }, cts.Token);
        Assert.Equal(1, forA1Routing.GetProperty("count").GetInt32());
        Assert.Equal(0, (await onB.CallAsync("errors_list", new { severity = "critical" }, cts.Token)).GetProperty("count").GetInt32());
        Assert.Equal(5, (await onB.CallAsync("errors_list", new { sinceSeconds = 3600 }, cts.Token)).GetProperty("count").GetInt32());
        Assert.Equal(2, (await onB.CallAsync("errors_list", new { sinceSeconds = 3600, maxErrors = 2 }, cts.Token)).GetProperty("count").GetInt32());
        // The time filter leaves out what is older: once a second has passed, none of the five is in the last second,
        // while the last hour still holds all five.
        await Eventually.HoldsAsync(async () => (await onB.CallAsync("errors_list", new { sinceSeconds = 1 }, cts.Token)).GetProperty("count").GetInt32() == 0,
            "the failures fall out of a one-second window");
        Assert.Equal(5, (await onA.CallAsync("errors_list", new { sinceSeconds = 3600 }, cts.Token)).GetProperty("count").GetInt32());

        var recent = await onA.Client.ReadResourceAsync("errors://recent", cancellationToken: cts.Token);
        Assert.Contains("queue_full", ((ModelContextProtocol.Protocol.TextResourceContents)recent.Contents[0]).Text, StringComparison.Ordinal);
        var status = await onB.Client.ReadResourceAsync("status://system", cancellationToken: cts.Token);
        using var statusJson = JsonDocument.Parse(((ModelContextProtocol.Protocol.TextResourceContents)status.Contents[0]).Text);
        Assert.Equal(1, statusJson.RootElement.GetProperty("errors").GetProperty("permission:warning").GetInt64());
        // The five failures all fell inside the last minute: the rate counts them (fully, or the part of the previous
        // minute's still inside the window when they straddled a minute's end).
        Assert.InRange(statusJson.RootElement.GetProperty("errorsPerMinute").GetDouble(), 0.01, 5);
    }
}

/// <summary>Error history on redis-server 7.</summary>
public sealed class ErrorHistoryOnRedisTests : ErrorHistoryTests, IClassFixture<RedisFixture>
{
    public ErrorHistoryOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Error history on Garnet.</summary>
public sealed class ErrorHistoryOnGarnetTests : ErrorHistoryTests, IClassFixture<GarnetFixture>
{
    public ErrorHistoryOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Error history on a three-primary Redis Cluster.</summary>
public sealed class ErrorHistoryOnRedisClusterTests : ErrorHistoryTests, IClassFixture<RedisClusterFixture>
{
    public ErrorHistoryOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
