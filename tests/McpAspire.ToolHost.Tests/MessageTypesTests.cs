using System.Text.Json;
using McpAspire.TestSupport;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// Message types through the C# SDK client on real Kestrel and a real Redis-compatible server: declared by a file or by
/// an agent with the type-admin capability, enforced on every replica (schema, size, default TTL), refused clearly.
/// </summary>
public abstract class MessageTypesTests
{
    private const string TaskSchema = """
        {"type":"object","required":["task","priority"],"additionalProperties":false,
         "properties":{"task":{"type":"string"},"priority":{"type":"integer","minimum":1,"maximum":5}}}
        """;

    private readonly string _connectionString;

    private protected MessageTypesTests(string connectionString) => _connectionString = connectionString;

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] extra) => AgentSettings.For(_connectionString, extra);

    private static string TypesFile(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), "mcpaspire-types-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private int _accepted;

    // Counts what was accepted: until a replica hears of a declaration it may still accept a payload the type forbids.
    private async Task<bool> RefusedAsync(AgentClient client, object arguments, CancellationToken cancellationToken)
    {
        var refused = (await client.Client.CallToolAsync("messages_send", JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)), cancellationToken: cancellationToken)).IsError == true;
        if (!refused)
        {
            Interlocked.Increment(ref _accepted);
        }
        return refused;
    }

    [Fact]
    public async Task A_configured_type_checks_size_and_schema_and_gives_its_default_ttl()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var file = TypesFile("""{"task.assign":{"schema":""" + TaskSchema + ""","defaultTtlSeconds":120,"maxBytes":200}}""");
        await using var server = await ToolHostServer.StartAsync(Settings(("MessageTypesFile", file)));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("w1", ["work", "types:admin"], cancellationToken: cts.Token);

        await client.CallAsync("messages_send", new { to = "w1", type = "task.assign", payload = new { task = "build", priority = 2 } }, cts.Token);
        var low = await client.CallErrorAsync("messages_send", new { to = "w1", type = "task.assign", payload = new { task = "build", priority = 0 } }, cts.Token);
        Assert.Contains("'/priority'", low, StringComparison.Ordinal);
        Assert.Contains("'minimum'", low, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", low, StringComparison.Ordinal);
        var missing = await client.CallErrorAsync("messages_send", new { to = "w1", type = "task.assign", payload = new { priority = 1 } }, cts.Token);
        Assert.Contains("'required'", missing, StringComparison.Ordinal);
        var extra = await client.CallErrorAsync("messages_send", new { to = "w1", type = "task.assign", payload = new { task = "x", priority = 1, owner = "me" } }, cts.Token);
        Assert.Contains("additionalProperties", extra, StringComparison.Ordinal);
        var big = await client.CallErrorAsync("messages_send", new { to = "w1", type = "task.assign", payload = new { task = new string('x', 300), priority = 1 } }, cts.Token);
        Assert.Contains("limit of 200 bytes", big, StringComparison.Ordinal);
        // Undeclared types still pass (RequireDeclaredTypes is off by default).
        await client.CallAsync("messages_send", new { to = "w1", type = "free.form", payload = new[] { 1, 2 } }, cts.Token);

        var received = await client.ReceiveAsync("w1", cancellationToken: cts.Token);
        Assert.Equal(["task.assign", "free.form"], received.Select(m => m.GetProperty("type").GetString()));
        var first = received[0];
        Assert.Equal(TimeSpan.FromSeconds(120), first.GetProperty("expiresAt").GetDateTimeOffset() - first.GetProperty("sentAt").GetDateTimeOffset());

        var list = await client.CallAsync("message_types_list", null, cts.Token);
        var type = Assert.Single(list.GetProperty("types").EnumerateArray());
        Assert.Equal("configuration", type.GetProperty("source").GetString());
        Assert.Equal("object", type.GetProperty("schema").GetProperty("type").GetString());
        var remove = await client.CallErrorAsync("message_types_remove", new { name = "task.assign", from = "w1" }, cts.Token);
        Assert.Contains("configuration", remove, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_with_the_admin_capability_declare_types_that_every_replica_enforces()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var settings = Settings();
        await using var replicaA = await ToolHostServer.StartAsync(settings);
        await using var replicaB = await ToolHostServer.StartAsync(settings);
        await using var onA = await AgentClient.ConnectAsync(replicaA, cancellationToken: cts.Token);
        await using var onB = await AgentClient.ConnectAsync(replicaB, "2025-11-25", cts.Token);
        await onA.RegisterAsync("admin", ["types:admin"], cancellationToken: cts.Token);
        await onA.RegisterAsync("w1", ["work"], cancellationToken: cts.Token);
        var bad = new { to = "w1", type = "report", payload = new { ok = "yes" } };
        // Replica B has read the (empty) type list before the declaration: it must hear about the change.
        Assert.False(await RefusedAsync(onB, bad, cts.Token));

        var denied = await onA.CallErrorAsync("message_types_declare", new { name = "report", from = "w1", schema = new { type = "object" } }, cts.Token);
        Assert.Contains("types:admin", denied, StringComparison.Ordinal);
        var declared = await onA.CallAsync("message_types_declare", new
        {
            name = "report",
            from = "admin",
            schema = new { type = "object", required = new[] { "ok" }, properties = new { ok = new { type = "boolean" } } },
            defaultTtlSeconds = 30,
        }, cts.Token);
        Assert.Equal("admin", declared.GetProperty("source").GetString());

        await Eventually.HoldsAsync(() => RefusedAsync(onB, bad, cts.Token), "replica B refuses a report that breaks the declared schema");
        await onB.CallAsync("messages_send", new { to = "w1", type = "report", payload = new { ok = true } }, cts.Token);
        var listed = await onB.CallAsync("message_types_list", null, cts.Token);
        Assert.Equal("report", Assert.Single(listed.GetProperty("types").EnumerateArray()).GetProperty("name").GetString());

        var removed = await onA.CallAsync("message_types_remove", new { name = "report", from = "admin" }, cts.Token);
        Assert.True(removed.GetProperty("removed").GetBoolean());
        await Eventually.HoldsAsync(async () => !await RefusedAsync(onB, bad, cts.Token), "replica B accepts any report again once the type is removed");
        var messages = await onA.ReceiveAsync("w1", cancellationToken: cts.Token);
        // Exactly what was accepted arrived (the valid report too); nothing refused was queued.
        Assert.Equal(_accepted + 1, messages.Count);
    }

    [Fact]
    public async Task Undeclared_types_and_bad_declarations_are_refused_clearly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await ToolHostServer.StartAsync(Settings(("RequireDeclaredTypes", "true")));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("admin", ["types:admin"], cancellationToken: cts.Token);

        var unknown = await client.CallErrorAsync("messages_send", new { to = "admin", type = "x.y", payload = 1 }, cts.Token);
        Assert.Contains("Unknown message type 'x.y'", unknown, StringComparison.Ordinal);
        Assert.Contains("not valid JSON Schema 2020-12", await client.CallErrorAsync("message_types_declare", new { name = "t", from = "admin", schema = new { type = 5 } }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("must be a JSON Schema object", await client.CallErrorAsync("message_types_declare", new { name = "t", from = "admin", schema = "string" }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("defaultTtlSeconds", await client.CallErrorAsync("message_types_declare", new { name = "t", from = "admin", defaultTtlSeconds = 0 }, cts.Token), StringComparison.Ordinal);
        Assert.Contains("maxBytes", await client.CallErrorAsync("message_types_declare", new { name = "t", from = "admin", maxBytes = 1 << 30 }, cts.Token), StringComparison.Ordinal);
        var badName = await client.CallErrorAsync("message_types_declare", new { name = "bad name!", from = "admin" }, cts.Token);
        Assert.Contains("Invalid 'name' 'bad name!'", badName, StringComparison.Ordinal);
        Assert.Contains("Unknown agent 'ghost'", await client.CallErrorAsync("message_types_declare", new { name = "t", from = "ghost" }, cts.Token), StringComparison.Ordinal);
        // Nothing half-declared: the list is still empty, and a declared type with no schema lets its messages through.
        Assert.Equal(0, (await client.CallAsync("message_types_list", null, cts.Token)).GetProperty("count").GetInt32());
        await client.CallAsync("message_types_declare", new { name = "x.y", from = "admin" }, cts.Token);
        await client.CallAsync("messages_send", new { to = "admin", type = "x.y", payload = 1 }, cts.Token);
        Assert.Single(await client.ReceiveAsync("admin", cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData("missing", "cannot be read")]
    [InlineData("""{"t":{"schema":{"type":5}}}""", "type 't'")]
    [InlineData("""{"t":{"maxbytes":10}}""", "not a JSON object of type name")]
    [InlineData("""[1]""", "not a JSON object of type name")]
    public async Task An_unusable_types_file_fails_start_up(string content, string expected)
    {
        var path = content == "missing" ? Path.Combine(Path.GetTempPath(), "no-such-types-" + Guid.NewGuid().ToString("N") + ".json") : TypesFile(content);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ToolHostServer.StartAsync(Settings(("MessageTypesFile", path))));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>Message types on redis-server 7.</summary>
public sealed class MessageTypesOnRedisTests : MessageTypesTests, IClassFixture<RedisFixture>
{
    public MessageTypesOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Message types on Garnet.</summary>
public sealed class MessageTypesOnGarnetTests : MessageTypesTests, IClassFixture<GarnetFixture>
{
    public MessageTypesOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>Message types on a three-primary Redis Cluster.</summary>
public sealed class MessageTypesOnRedisClusterTests : MessageTypesTests, IClassFixture<RedisClusterFixture>
{
    public MessageTypesOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
