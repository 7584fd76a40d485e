using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpAspire.TestSupport;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>Agent coordination through the C# SDK client against the tool host on real Kestrel and a real Redis-compatible server.</summary>
public abstract class AgentToolsTests
{
    private readonly string _connectionString;

    private protected AgentToolsTests(string connectionString) => _connectionString = connectionString;

    /// <summary>Settings for a tool host on this test's Redis with its own key prefix (tests share one server).</summary>
    private protected Dictionary<string, string?> Settings(string prefix, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _connectionString,
            ["ToolHost:Agents:KeyPrefix"] = prefix,
        };
        foreach (var (key, value) in extra)
        {
            settings["ToolHost:Agents:" + key] = value;
        }
        return settings;
    }

    private static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Routes_direct_any_of_and_broadcast_between_several_agents()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        foreach (var id in new[] { "w1", "w2", "w3" })
        {
            await client.RegisterAsync(id, ["work"], cancellationToken: cts.Token);
        }
        await client.RegisterAsync("lead", ["review", "plan"], cancellationToken: cts.Token);

        // Direct.
        var direct = await client.CallAsync("messages_send", new { to = "lead", from = "w1", type = "report", payload = new { done = 1 } }, cts.Token);
        Assert.Equal("lead", direct.GetProperty("deliveries")[0].GetProperty("agentId").GetString());

        // Any-of: six tasks spread over three idle workers, least queue first, so two each.
        for (var i = 0; i < 6; i++)
        {
            await client.CallAsync("messages_send", new { capability = "work", type = "task", payload = new { n = i } }, cts.Token);
        }
        // Broadcast: one copy per worker.
        var broadcast = await client.CallAsync("messages_send", new { capability = "work", broadcast = true, type = "stop", payload = "now" }, cts.Token);
        Assert.Equal(["w1", "w2", "w3"], broadcast.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("agentId").GetString()).Order());

        var seen = new List<int>();
        foreach (var id in new[] { "w1", "w2", "w3" })
        {
            var messages = await client.ReceiveAsync(id, cancellationToken: cts.Token);
            Assert.Equal(3, messages.Count);
            Assert.Equal(["task", "task", "stop"], messages.Select(m => m.GetProperty("type").GetString()));
            Assert.All(messages.Take(2), m => Assert.Equal("any", m.GetProperty("route").GetString()));
            Assert.Equal("broadcast", messages[2].GetProperty("route").GetString());
            Assert.Equal("now", messages[2].GetProperty("payload").GetString());
            seen.AddRange(messages.Take(2).Select(m => m.GetProperty("payload").GetProperty("n").GetInt32()));
            Assert.Empty(await client.ReceiveAsync(id, cancellationToken: cts.Token));
        }
        Assert.Equal(Enumerable.Range(0, 6), seen.Order());
        var lead = Assert.Single(await client.ReceiveAsync("lead", cancellationToken: cts.Token));
        Assert.Equal("w1", lead.GetProperty("from").GetString());
        Assert.Equal(1, lead.GetProperty("payload").GetProperty("done").GetInt32());

        // Any-of with equal queues rotates: three sends to three empty mailboxes reach three different workers.
        var targets = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            var sent = await client.CallAsync("messages_send", new { capability = "work", type = "t", payload = i }, cts.Token);
            targets.Add(sent.GetProperty("deliveries")[0].GetProperty("agentId").GetString()!);
        }
        Assert.Equal(3, targets.Count);

        var stats = await client.CallAsync("agents_stats", cancellationToken: cts.Token);
        // 1 direct + 6 any-of + 3 broadcast copies + 3 rotating any-of.
        Assert.Equal(13, stats.GetProperty("messagesSent").GetInt64());
        Assert.Equal(10, stats.GetProperty("messagesDelivered").GetInt64());
        Assert.Equal(4, stats.GetProperty("agentsActive").GetInt64());
    }

    [Fact]
    public async Task Expired_messages_are_not_delivered_nor_replayed()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("a", ["x"], cancellationToken: cts.Token);
        await client.CallAsync("messages_send", new { to = "a", type = "short", payload = 1, ttlSeconds = 1 }, cts.Token);
        await client.CallAsync("messages_send", new { to = "a", type = "long", payload = 2, ttlSeconds = 600 }, cts.Token);
        // Replay does not consume: wait until the short-lived message has expired from it.
        await Eventually.HoldsAsync(async () =>
            (await client.CallAsync("messages_replay", new { agentId = "a" }, cts.Token)).GetProperty("count").GetInt32() == 1,
            "the 1 s message expired");

        var messages = await client.ReceiveAsync("a", cancellationToken: cts.Token);
        Assert.Equal("long", Assert.Single(messages).GetProperty("type").GetString());
        var replay = await client.CallAsync("messages_replay", new { agentId = "a" }, cts.Token);
        Assert.Equal("long", Assert.Single(replay.GetProperty("messages").EnumerateArray()).GetProperty("type").GetString());
        var stats = await client.CallAsync("agents_stats", cancellationToken: cts.Token);
        Assert.Equal(1, stats.GetProperty("messagesExpired").GetInt64());
        Assert.Equal(1, stats.GetProperty("messagesDelivered").GetInt64());
    }

    [Fact]
    public async Task Full_mailbox_is_a_clear_error_and_any_of_skips_full_agents()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix(), ("MaxQueueLength", "2")));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("a", ["x"], cancellationToken: cts.Token);
        await client.RegisterAsync("b", ["x"], cancellationToken: cts.Token);
        await client.CallAsync("messages_send", new { to = "a", type = "t", payload = 1 }, cts.Token);
        await client.CallAsync("messages_send", new { to = "a", type = "t", payload = 2 }, cts.Token);

        var error = await client.CallErrorAsync("messages_send", new { to = "a", type = "t", payload = 3 }, cts.Token);
        Assert.Contains("Mailbox of agent 'a' is full (2 undelivered messages)", error, StringComparison.Ordinal);
        // a is full, so any-of goes to b until b is full too.
        for (var i = 0; i < 2; i++)
        {
            var sent = await client.CallAsync("messages_send", new { capability = "x", type = "t", payload = i }, cts.Token);
            Assert.Equal("b", sent.GetProperty("deliveries")[0].GetProperty("agentId").GetString());
        }
        Assert.Contains("full", await client.CallErrorAsync("messages_send", new { capability = "x", type = "t", payload = 9 }, cts.Token), StringComparison.Ordinal);
        // Receiving makes room again; nothing was lost.
        Assert.Equal([1, 2], (await client.ReceiveAsync("a", cancellationToken: cts.Token)).Select(m => m.GetProperty("payload").GetInt32()));
        await client.CallAsync("messages_send", new { to = "a", type = "t", payload = 3 }, cts.Token);
        // Broadcast delivers where there is room and reports the full mailbox it skipped.
        var broadcast = await client.CallAsync("messages_send", new { capability = "x", broadcast = true, type = "all", payload = 0 }, cts.Token);
        Assert.Equal("a", Assert.Single(broadcast.GetProperty("deliveries").EnumerateArray()).GetProperty("agentId").GetString());
        Assert.Equal("b", Assert.Single(broadcast.GetProperty("skippedFull").EnumerateArray()).GetString());
        var stats = await client.CallAsync("agents_stats", cancellationToken: cts.Token);
        Assert.Equal(2, stats.GetProperty("sendsRejectedFull").GetInt64());
    }

    [Fact]
    public async Task Receive_waits_for_a_message_sent_during_the_wait()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var receiver = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await using var sender = await AgentClient.ConnectAsync(server, "2025-11-25", cts.Token);
        await receiver.RegisterAsync("r", ["x"], cancellationToken: cts.Token);

        var waiting = receiver.ReceiveAsync("r", max: 5, wait: 20, cancellationToken: cts.Token);
        await Task.Delay(300, cts.Token);
        Assert.False(waiting.IsCompleted, "the receive should still be waiting on an empty mailbox");
        await sender.CallAsync("messages_send", new { to = "r", type = "wake", payload = new { hello = "world" } }, cts.Token);

        var message = Assert.Single(await waiting);
        Assert.Equal("wake", message.GetProperty("type").GetString());
        Assert.Equal("world", message.GetProperty("payload").GetProperty("hello").GetString());
        // With a wait and nothing sent, the call returns empty when the wait ends.
        Assert.Empty(await receiver.ReceiveAsync("r", wait: 1, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Replay_returns_history_after_an_id_in_pages()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("a", ["x"], cancellationToken: cts.Token);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var sent = await client.CallAsync("messages_send", new { to = "a", type = "n", payload = i }, cts.Token);
            ids.Add(sent.GetProperty("deliveries")[0].GetProperty("messageId").GetString()!);
        }
        Assert.Equal(5, (await client.ReceiveAsync("a", cancellationToken: cts.Token)).Count);

        var page = await client.CallAsync("messages_replay", new { agentId = "a", afterId = ids[1], maxMessages = 2 }, cts.Token);
        Assert.Equal([2, 3], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("payload").GetInt32()));
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        Assert.Equal(ids[3], page.GetProperty("lastId").GetString());
        var rest = await client.CallAsync("messages_replay", new { agentId = "a", afterId = page.GetProperty("lastId").GetString() }, cts.Token);
        Assert.Equal([4], rest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("payload").GetInt32()));
        Assert.False(rest.GetProperty("hasMore").GetBoolean());
        Assert.Contains("afterId", await client.CallErrorAsync("messages_replay", new { agentId = "a", afterId = "abc" }, cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Context_and_handles_store_json_with_ttl()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);

        await client.CallAsync("context_put", new { key = "goal/main", value = new { text = "ship it", steps = new[] { 1, 2 } } }, cts.Token);
        await client.CallAsync("context_put", new { key = "goal/short", value = "brief", ttlSeconds = 1 }, cts.Token);
        var main = await client.CallAsync("context_get", new { key = "goal/main" }, cts.Token);
        Assert.True(main.GetProperty("found").GetBoolean());
        Assert.Equal("ship it", main.GetProperty("value").GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.String, main.GetProperty("expiresAt").ValueKind);
        Assert.True((await client.CallAsync("context_get", new { key = "goal/short" }, cts.Token)).GetProperty("found").GetBoolean());
        await Eventually.HoldsAsync(async () =>
            !(await client.CallAsync("context_get", new { key = "goal/short" }, cts.Token)).GetProperty("found").GetBoolean(),
            "the 1 s context value expired");
        Assert.True((await client.CallAsync("context_get", new { key = "goal/main" }, cts.Token)).GetProperty("found").GetBoolean());
        Assert.False((await client.CallAsync("context_get", new { key = "never/set" }, cts.Token)).GetProperty("found").GetBoolean());

        var created = await client.CallAsync("handles_create", new { value = new { cursor = 42 }, ttlSeconds = 60 }, cts.Token);
        var handle = created.GetProperty("handle").GetString()!;
        Assert.StartsWith("h_", handle, StringComparison.Ordinal);
        var other = (await client.CallAsync("handles_create", new { value = 1 }, cts.Token)).GetProperty("handle").GetString();
        Assert.NotEqual(handle, other);
        // A handle works from another client (any replica, no session): it is the state.
        await using (var second = await AgentClient.ConnectAsync(server, "2025-11-25", cts.Token))
        {
            var got = await second.CallAsync("handles_get", new { handle }, cts.Token);
            Assert.Equal(42, got.GetProperty("value").GetProperty("cursor").GetInt32());
        }
        Assert.True((await client.CallAsync("handles_release", new { handle }, cts.Token)).GetProperty("released").GetBoolean());
        Assert.False((await client.CallAsync("handles_get", new { handle }, cts.Token)).GetProperty("found").GetBoolean());
        Assert.False((await client.CallAsync("handles_release", new { handle }, cts.Token)).GetProperty("released").GetBoolean());
        Assert.Contains("Invalid 'handle'", await client.CallErrorAsync("handles_get", new { handle = "../etc" }, cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_missing_heartbeats_time_out_keep_their_mailbox_for_the_retention_then_are_deleted()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix(), ("MissedHeartbeats", "1"), ("SweepInterval", "00:00:00.100"), ("MailboxRetention", "00:00:03")));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("slow", ["x"], heartbeat: 1, cancellationToken: cts.Token);
        await client.RegisterAsync("alive", ["x"], heartbeat: 30, cancellationToken: cts.Token);
        await client.CallAsync("messages_send", new { to = "slow", type = "kept", payload = 1 }, cts.Token);

        await Eventually.HoldsAsync(async () =>
        {
            var list = await client.CallAsync("agents_list", new { status = "timed_out" }, cts.Token);
            return list.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("id").GetString() == "slow");
        }, "'slow' is listed as timed out");
        var active = await client.CallAsync("agents_list", new { status = "active", capability = "x" }, cts.Token);
        Assert.Equal("alive", Assert.Single(active.GetProperty("agents").EnumerateArray()).GetProperty("id").GetString());
        // Any-of routing skips the timed-out agent; its mailbox is still there.
        var sent = await client.CallAsync("messages_send", new { capability = "x", type = "t", payload = 0 }, cts.Token);
        Assert.Equal("alive", sent.GetProperty("deliveries")[0].GetProperty("agentId").GetString());
        Assert.Equal("kept", Assert.Single(await client.ReceiveAsync("slow", cancellationToken: cts.Token)).GetProperty("type").GetString());

        // A heartbeat within the retention revives it.
        var heartbeat = await client.CallAsync("agents_heartbeat", new { id = "slow" }, cts.Token);
        Assert.True(heartbeat.GetProperty("revived").GetBoolean());
        // Then it times out again and, after the retention, is gone with its mailbox.
        await Eventually.HoldsAsync(async () =>
        {
            var list = await client.CallAsync("agents_list", cancellationToken: cts.Token);
            return list.GetProperty("agents").EnumerateArray().All(a => a.GetProperty("id").GetString() != "slow");
        }, "'slow' is purged", 15);
        Assert.Contains("Unknown agent 'slow'", await client.CallErrorAsync("messages_receive", new { agentId = "slow" }, cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribed_2025_session_gets_resource_updates_for_mailbox_and_agent_list()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var watcher = await AgentClient.ConnectAsync(server, "2025-11-25", cts.Token);
        await using var actor = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await actor.RegisterAsync("m", ["x"], cancellationToken: cts.Token);

        var mailboxUpdates = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listUpdates = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var mailboxSubscription = await watcher.Client.SubscribeToResourceAsync("mailbox://m", (n, _) => { mailboxUpdates.TrySetResult(n.Uri); return default; }, cancellationToken: cts.Token);
        await using var listSubscription = await watcher.Client.SubscribeToResourceAsync("agents://list", (n, _) => { listUpdates.TrySetResult(n.Uri); return default; }, cancellationToken: cts.Token);

        await actor.CallAsync("messages_send", new { to = "m", type = "ping", payload = 1 }, cts.Token);
        Assert.Equal("mailbox://m", await mailboxUpdates.Task.WaitAsync(cts.Token));
        await actor.RegisterAsync("n", ["y"], cancellationToken: cts.Token);
        Assert.Equal("agents://list", await listUpdates.Task.WaitAsync(cts.Token));

        var mailbox = await watcher.Client.ReadResourceAsync("mailbox://m", cancellationToken: cts.Token);
        using var doc = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(mailbox.Contents)).Text);
        Assert.Equal("ping", doc.RootElement.GetProperty("messages")[0].GetProperty("type").GetString());
        var agent = await watcher.Client.ReadResourceAsync("agents://n", cancellationToken: cts.Token);
        Assert.Contains("\"capabilities\":[\"y\"]", Assert.IsType<TextResourceContents>(Assert.Single(agent.Contents)).Text, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<McpProtocolException>(() => watcher.Client.ReadResourceAsync("agents://nobody", cancellationToken: cts.Token).AsTask());
        Assert.Contains("not registered", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_stream_2026_gets_resource_updates()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var actor = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await actor.RegisterAsync("l", ["x"], cancellationToken: cts.Token);

        using var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUri)
        {
            Content = new StringContent("""
                {"jsonrpc":"2.0","id":"listen-1","method":"subscriptions/listen","params":{"notifications":{"resourceSubscriptions":["mailbox://l","other://x"]},
                 "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}}}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var ack = await NextDataAsync(reader, cts.Token);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());
        Assert.Equal(["mailbox://l"], ack.GetProperty("params").GetProperty("notifications").GetProperty("resourceSubscriptions").EnumerateArray().Select(e => e.GetString()));
        await actor.CallAsync("messages_send", new { to = "l", type = "ping", payload = 1 }, cts.Token);
        var update = await NextDataAsync(reader, cts.Token);
        Assert.Equal("notifications/resources/updated", update.GetProperty("method").GetString());
        Assert.Equal("mailbox://l", update.GetProperty("params").GetProperty("uri").GetString());
        Assert.Equal("listen-1", update.GetProperty("params").GetProperty("_meta").GetProperty("io.modelcontextprotocol/subscriptionId").GetString());
    }

    [Fact]
    public async Task Two_replicas_on_one_redis_share_agents_wake_waiters_and_notify_each_other()
    {
        using var cts = Timeout();
        var settings = Settings(NewPrefix());
        await using var replicaA = await ToolHostServer.StartAsync(settings);
        await using var replicaB = await ToolHostServer.StartAsync(settings);
        await using var onA = await AgentClient.ConnectAsync(replicaA, "2025-11-25", cts.Token);
        await using var onB = await AgentClient.ConnectAsync(replicaB, cancellationToken: cts.Token);
        await onA.RegisterAsync("x1", ["x"], cancellationToken: cts.Token);

        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await onA.Client.SubscribeToResourceAsync("mailbox://x1", (n, _) => { updated.TrySetResult(n.Uri); return default; }, cancellationToken: cts.Token);
        var waiting = onA.ReceiveAsync("x1", wait: 20, cancellationToken: cts.Token);
        await Task.Delay(300, cts.Token);
        // The send goes through replica B; the waiter and the subscriber are on replica A.
        await onB.CallAsync("messages_send", new { capability = "x", type = "cross", payload = "hi" }, cts.Token);

        Assert.Equal("cross", Assert.Single(await waiting).GetProperty("type").GetString());
        Assert.Equal("mailbox://x1", await updated.Task.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task State_survives_a_tool_host_restart_on_the_same_redis()
    {
        using var cts = Timeout();
        var settings = Settings(NewPrefix());
        await using (var first = await ToolHostServer.StartAsync(settings))
        {
            await using var client = await AgentClient.ConnectAsync(first, cancellationToken: cts.Token);
            await client.RegisterAsync("durable", ["x"], cancellationToken: cts.Token);
            await client.CallAsync("messages_send", new { to = "durable", type = "before-restart", payload = new { n = 7 } }, cts.Token);
            await client.CallAsync("context_put", new { key = "k", value = "v" }, cts.Token);
        }
        await using var second = await ToolHostServer.StartAsync(settings);
        await using var again = await AgentClient.ConnectAsync(second, cancellationToken: cts.Token);
        var list = await again.CallAsync("agents_list", cancellationToken: cts.Token);
        Assert.Equal("durable", Assert.Single(list.GetProperty("agents").EnumerateArray()).GetProperty("id").GetString());
        var message = Assert.Single(await again.ReceiveAsync("durable", cancellationToken: cts.Token));
        Assert.Equal(7, message.GetProperty("payload").GetProperty("n").GetInt32());
        Assert.Equal("v", (await again.CallAsync("context_get", new { key = "k" }, cts.Token)).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Bad_inputs_get_clear_tool_errors()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix(), ("MaxPayloadBytes", "64")));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        await client.RegisterAsync("a", ["x"], cancellationToken: cts.Token);

        (string Tool, object Args, string Expected)[] cases =
        [
            ("messages_send", new { to = "ghost", type = "t", payload = 1 }, "Unknown agent 'ghost'"),
            ("messages_send", new { to = "a", from = "ghost", type = "t", payload = 1 }, "Unknown sender agent 'ghost'"),
            ("messages_send", new { capability = "nobody-has-it", type = "t", payload = 1 }, "No active agent has capability 'nobody-has-it'"),
            ("messages_send", new { to = "a", capability = "x", type = "t", payload = 1 }, "exactly one of 'to'"),
            ("messages_send", new { type = "t", payload = 1 }, "exactly one of 'to'"),
            ("messages_send", new { to = "a", broadcast = true, type = "t", payload = 1 }, "'broadcast' routes by capability"),
            ("messages_send", new { to = "a", type = "bad type!", payload = 1 }, "Invalid 'type'"),
            ("messages_send", new { to = "a", type = "t", payload = new string('x', 100) }, "exceed the limit of 64 bytes"),
            ("messages_send", new { to = "a", type = "t", payload = 1, ttlSeconds = 0 }, "Invalid 'ttlSeconds'"),
            ("messages_send", new { to = "a/../b", type = "t", payload = 1 }, "Invalid 'to'"),
            ("messages_receive", new { agentId = "a", maxMessages = 0 }, "Invalid 'maxMessages'"),
            ("messages_receive", new { agentId = "a", waitSeconds = 10_000 }, "Invalid 'waitSeconds'"),
            ("messages_receive", new { agentId = "ghost" }, "Unknown agent 'ghost'"),
            ("agents_register", new { name = " " }, "Invalid 'name'"),
            ("agents_register", new { name = "n", id = "has space" }, "Invalid 'id'"),
            ("agents_register", new { name = "n", capabilities = new[] { "ok", "not ok" } }, "Invalid 'capabilities[]'"),
            ("agents_register", new { name = "n", heartbeatIntervalSeconds = 0 }, "Invalid 'heartbeatIntervalSeconds'"),
            ("agents_heartbeat", new { id = "ghost" }, "Unknown agent 'ghost'"),
            ("agents_list", new { status = "sleeping" }, "Invalid 'status'"),
            ("context_put", new { key = "k k", value = 1 }, "Invalid 'key'"),
            ("handles_create", new { value = 1, ttlSeconds = -1 }, "Invalid 'ttlSeconds'"),
        ];
        foreach (var (tool, args, expected) in cases)
        {
            var error = await client.CallErrorAsync(tool, args, cts.Token);
            Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{tool} {JsonSerializer.Serialize(args)}: expected '{expected}' in '{error}'");
        }
        // Nothing was queued by the failed sends.
        Assert.Empty(await client.ReceiveAsync("a", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Missing_unknown_and_mistyped_arguments_are_invalid_params()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        (string Tool, Dictionary<string, object?> Args, string Expected)[] cases =
        [
            ("messages_send", new() { ["to"] = "a", ["payload"] = 1 }, "required argument 'type' is missing"),
            ("messages_send", new() { ["to"] = "a", ["type"] = "t" }, "required argument 'payload' is missing"),
            ("messages_send", new() { ["to"] = "a", ["type"] = "t", ["payload"] = 1, ["ttlSeconds"] = "soon" }, "argument 'ttlSeconds' must be integer"),
            ("messages_send", new() { ["to"] = "a", ["type"] = "t", ["payload"] = 1, ["broadcast"] = "yes" }, "argument 'broadcast' must be boolean"),
            ("messages_receive", new() { ["agentID"] = "a" }, "required argument 'agentId' is missing"),
            ("messages_receive", new() { ["agentId"] = "a", ["extra"] = 1 }, "unknown argument 'extra'"),
            ("agents_register", new() { ["name"] = "n", ["capabilities"] = "x" }, "argument 'capabilities' must be array"),
            ("agents_register", new() { ["name"] = 5 }, "argument 'name' must be string"),
        ];
        foreach (var (tool, args, expected) in cases)
        {
            var ex = await Assert.ThrowsAsync<McpProtocolException>(() => client.Client.CallToolAsync(tool, args, cancellationToken: cts.Token).AsTask());
            Assert.Equal(McpErrorCode.InvalidParams, ex.ErrorCode);
            Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{tool}: expected '{expected}' in '{ex.Message}'");
        }
    }

    [Fact]
    public async Task Tools_have_input_and_output_schemas_and_prompts_render()
    {
        using var cts = Timeout();
        await using var server = await ToolHostServer.StartAsync(Settings(NewPrefix()));
        await using var client = await AgentClient.ConnectAsync(server, cancellationToken: cts.Token);
        var tools = (await client.Client.ListToolsAsync(cancellationToken: cts.Token)).ToDictionary(t => t.Name);
        foreach (var name in new[] { "agents_register", "agents_heartbeat", "agents_unregister", "agents_list", "agents_stats", "messages_send", "messages_receive", "messages_replay", "context_put", "context_get", "handles_create", "handles_get", "handles_release" })
        {
            Assert.True(tools.ContainsKey(name), $"tool {name} is listed");
            Assert.NotNull(tools[name].ProtocolTool.OutputSchema);
        }
        var send = tools["messages_send"].ProtocolTool.InputSchema;
        Assert.Equal(["type", "payload"], send.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(tools["messages_send"].ProtocolTool.OutputSchema!.Value.GetProperty("properties").TryGetProperty("deliveries", out _));

        var prompt = await client.Client.GetPromptAsync("coordinate_agents", new Dictionary<string, object?> { ["goal"] = "index the repo" }, cancellationToken: cts.Token);
        Assert.Contains("index the repo", Assert.IsType<TextContentBlock>(Assert.Single(prompt.Messages).Content).Text, StringComparison.Ordinal);
        var triage = await client.Client.GetPromptAsync("triage_mailbox", new Dictionary<string, object?> { ["agentId"] = "a1" }, cancellationToken: cts.Token);
        Assert.Contains("mailbox://a1", Assert.IsType<TextContentBlock>(Assert.Single(triage.Messages).Content).Text, StringComparison.Ordinal);

        // /stats serves the same counters over plain HTTP.
        using var http = new HttpClient();
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.BaseAddress, "/stats"), cts.Token));
        Assert.True(stats.RootElement.TryGetProperty("messagesSent", out _));
    }

    [Fact]
    public async Task Invalid_agent_options_fail_at_start_up()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ToolHostServer.StartAsync(Settings(NewPrefix(), ("MailboxRetention", "00:00:00"))));
        Assert.Contains("MailboxRetention", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> NextDataAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 5)
            {
                using var doc = JsonDocument.Parse(line[5..]);
                return doc.RootElement.Clone();
            }
        }
        throw new InvalidOperationException("The listen stream ended.");
    }
}

/// <summary>The agent tests against redis-server 7.</summary>
public sealed class AgentToolsOnRedisTests : AgentToolsTests, IClassFixture<RedisFixture>
{
    public AgentToolsOnRedisTests(RedisFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>The agent tests against Garnet.</summary>
public sealed class AgentToolsOnGarnetTests : AgentToolsTests, IClassFixture<GarnetFixture>
{
    public AgentToolsOnGarnetTests(GarnetFixture fixture)
        : base(fixture.Server.ConnectionString)
    {
    }
}

/// <summary>The agent tests against a three-primary Redis Cluster (the keyspace under one hash tag, events over pub/sub).</summary>
public sealed class AgentToolsOnRedisClusterTests : AgentToolsTests, IClassFixture<RedisClusterFixture>
{
    public AgentToolsOnRedisClusterTests(RedisClusterFixture fixture)
        : base(fixture.Cluster.ConnectionString)
    {
    }
}
