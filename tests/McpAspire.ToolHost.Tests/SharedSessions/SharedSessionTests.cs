using System.Globalization;
using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests.SharedSessions;

/// <summary>
/// 2025-11-25 sessions shared by tool host replicas (<c>ToolHost:SessionStore=state</c>): records in the real state
/// service, events in a real redis-server, replicas on their own ports. Any replica serves any request of the session's
/// own caller, GET streams carry what any replica's server sent, and Last-Event-ID resumes on any replica with every
/// event exactly once.
/// </summary>
public sealed class SharedSessionTests(RedisFixture redisServer) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private SharedSessionCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SharedSessionCluster.StartAsync(redisServer.Server.ConnectionString);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    internal static string Call(int id, string tool, string argName, string argValue) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
        + "\",\"arguments\":{\"" + argName + "\":\"" + argValue + "\"}}}";

    private async Task<RawResponse> PostAsync(Uri uri, string body, string sessionId) =>
        await RawMcp.SendAsync(_http, RawMcp.Post(uri, body, sessionId));

    internal static string ResultText(RawResponse response)
    {
        var message = response.Messages.Single(m => m.TryGetProperty("id", out _));
        Assert.False(message.TryGetProperty("error", out var error), "error: " + error);
        return message.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
    }

    internal static bool IsListChanged(SseEvent e) =>
        JsonDocument.Parse(e.Data).RootElement.GetProperty("method").GetString() == "notifications/tools/list_changed";

    internal static long Sequence(string eventId) =>
        long.Parse(eventId[(eventId.LastIndexOf('.') + 1)..], CultureInfo.InvariantCulture);

    [Fact]
    public async Task Sdk_client_session_alternating_between_replicas_succeeds_on_both()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        using var alternating = new AlternatingHandler(a.McpUri, b.McpUri);
        using var http = new HttpClient(alternating);
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = a.McpUri, TransportMode = HttpTransportMode.StreamableHttp }, http);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: cts.Token);
        await using (client)
        {
            Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
            for (var i = 0; i < 6; i++)
            {
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"hello {i}" }, cancellationToken: cts.Token);
                Assert.Equal($"hello {i}", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
            }
            var tools = await client.ListToolsAsync(cancellationToken: cts.Token);
            Assert.Contains(tools, t => t.Name == "echo");
        }
        Assert.True(alternating.PostsTo(a.McpUri) >= 3, $"A served {alternating.PostsTo(a.McpUri)} POSTs");
        Assert.True(alternating.PostsTo(b.McpUri) >= 3, $"B served {alternating.PostsTo(b.McpUri)} POSTs");
    }

    [Fact]
    public async Task A_finished_response_stream_is_kept_for_the_completed_stream_retention_while_the_session_lives_on()
    {
        var a = await _cluster.StartReplicaAsync();
        var sessionId = await RawMcp.InitializeAsync(_http, a.McpUri);
        Assert.Equal("hi", ResultText(await PostAsync(a.McpUri, Call(2, "echo", "message", "hi"), sessionId)));

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redisServer.Server.ConnectionString);
        var db = redis.GetDatabase();
        var server = redis.GetServers().Single();
        var prefix = "mcp:sse:{" + sessionId + "}:";
        // The initialize's and the call's response streams, each ended (the end marker is sent without waiting).
        await Eventually.HoldsAsync(async () =>
        {
            var streams = server.Keys(pattern: prefix + "s:*").ToList();
            if (streams.Count < 2)
            {
                return false;
            }
            foreach (var key in streams)
            {
                var ttl = await db.KeyTimeToLiveAsync(key);
                if (ttl is not { } left || left > TimeSpan.FromMinutes(1))
                {
                    return false;
                }
            }
            return true;
        }, "both finished response streams expire within the 1 min retention");
        // The session's counter (and its record in the state service) live for the idle timeout (10 min here).
        Assert.True(await db.KeyTimeToLiveAsync(prefix + "seq") > TimeSpan.FromMinutes(5));
        Assert.Equal("again", ResultText(await PostAsync(a.McpUri, Call(3, "echo", "message", "again"), sessionId)));
    }

    [Fact]
    public async Task Another_principal_gets_404_for_the_session_on_every_replica_and_the_owner_keeps_it()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        using var alice = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        alice.DefaultRequestHeaders.Add(TestUserStartupFilter.Header, "alice");
        using var bob = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        bob.DefaultRequestHeaders.Add(TestUserStartupFilter.Header, "bob");
        var sid = await RawMcp.InitializeAsync(alice, a.McpUri);

        // B has never seen the session: the SDK would migrate it to whoever asks; the handler refuses bob.
        foreach (var (replica, caller, label) in new[] { (b, bob, "bob on B"), (a, bob, "bob on A (holds the session)"), (b, _http, "anonymous on B") })
        {
            var refused = await RawMcp.SendAsync(caller, RawMcp.Post(replica.McpUri, Call(2, "echo", "message", "mine now"), sid));
            Assert.True(refused.Status == HttpStatusCode.NotFound, $"{label}: {(int)refused.Status} {refused.Body}");
            Assert.Equal(-32001, refused.ErrorCode);
        }
        using (var get = new HttpRequestMessage(HttpMethod.Get, b.McpUri))
        {
            get.Headers.Add("Accept", "text/event-stream");
            get.Headers.Add("Mcp-Session-Id", sid);
            using var answer = await bob.SendAsync(get, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, b.McpUri))
        {
            delete.Headers.Add("Mcp-Session-Id", sid);
            using var answer = await bob.SendAsync(delete);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
        // The owner still has it, on both replicas.
        Assert.Equal("on B", ResultText(await RawMcp.SendAsync(alice, RawMcp.Post(b.McpUri, Call(3, "echo", "message", "on B"), sid))));
        Assert.Equal("on A", ResultText(await RawMcp.SendAsync(alice, RawMcp.Post(a.McpUri, Call(4, "echo", "message", "on A"), sid))));
    }

    [Fact]
    public async Task Get_stream_on_one_replica_receives_what_the_other_sent_and_resumes_on_either_exactly_once()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);

        var seen = new List<string>();
        string lastId;
        await using (var getOnB = await SseStream.OpenAsync(_http, b.McpUri, sid))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal($"added t{i}", ResultText(await PostAsync(a.McpUri, Call(10 + i, "announce", "name", $"t{i}"), sid)));
                var e = await getOnB.NextMessageAsync($"list_changed #{i} from replica A on B's GET stream");
                Assert.True(IsListChanged(e), e.Data);
                seen.Add(e.Id!);
            }
            lastId = seen[^1];
        }
        // Disconnected: three more announcements, from both replicas (on B the session is migrated).
        Assert.Equal("added t3", ResultText(await PostAsync(a.McpUri, Call(20, "announce", "name", "t3"), sid)));
        Assert.Equal("added t4", ResultText(await PostAsync(b.McpUri, Call(21, "announce", "name", "t4"), sid)));
        Assert.Equal("added t5", ResultText(await PostAsync(a.McpUri, Call(22, "announce", "name", "t5"), sid)));
        await using (var resumed = await SseStream.OpenAsync(_http, a.McpUri, sid, lastId))
        {
            for (var i = 0; i < 3; i++)
            {
                var e = await resumed.NextMessageAsync($"replayed event #{i}");
                Assert.True(IsListChanged(e), e.Data);
                seen.Add(e.Id!);
            }
            Assert.Equal("added t6", ResultText(await PostAsync(b.McpUri, Call(23, "announce", "name", "t6"), sid)));
            seen.Add((await resumed.NextMessageAsync("the live event after the replay")).Id!);
        }
        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var sequences = seen.Select(Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task List_changed_reaches_a_migrated_session_whose_get_stream_is_on_the_replica_it_was_initialized_on()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        await using var getOnA = await SseStream.OpenAsync(_http, a.McpUri, sid);
        // The session moves to B (migration), where a tool appears: B's copy of the session announces it.
        Assert.Equal("added m1", ResultText(await PostAsync(b.McpUri, Call(2, "announce", "name", "m1"), sid)));
        var e = await getOnA.NextMessageAsync("list_changed from the migrated session on B");
        Assert.True(IsListChanged(e), e.Data);
        var tools = await PostAsync(b.McpUri, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", sid);
        Assert.Contains("\"m1\"", tools.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replica_process_killed_with_sigkill_holding_the_get_stream_and_the_client_resumes_on_the_other_exactly_once()
    {
        var b = await _cluster.StartReplicaAsync();
        await using var killed = await DotnetAppProcess.StartAsync("McpAspire.ToolHost.dll", _cluster.Settings(separator: "__"));
        var sid = await RawMcp.InitializeAsync(_http, killed.McpUri);
        Assert.Equal("from B", ResultText(await PostAsync(b.McpUri, Call(2, "echo", "message", "from B"), sid)));

        var seen = new List<string>();
        var getOnKilled = await SseStream.OpenAsync(_http, killed.McpUri, sid);
        await using (getOnKilled)
        {
            for (var i = 0; i < 2; i++)
            {
                ResultText(await PostAsync(b.McpUri, Call(50 + i, "announce", "name", $"p{i}"), sid));
                seen.Add((await getOnKilled.NextMessageAsync($"event #{i} on the process's GET stream before the kill")).Id!);
            }
            await killed.KillAsync();
            Assert.True(killed.HasExited);
            await Assert.ThrowsAsync<InvalidOperationException>(() => getOnKilled.NextMessageAsync("the end of the killed stream"));
        }

        ResultText(await PostAsync(b.McpUri, Call(60, "announce", "name", "p2"), sid));
        ResultText(await PostAsync(b.McpUri, Call(61, "announce", "name", "p3"), sid));
        await using var resumed = await SseStream.OpenAsync(_http, b.McpUri, sid, seen[^1]);
        seen.Add((await resumed.NextMessageAsync("p2 after the kill")).Id!);
        seen.Add((await resumed.NextMessageAsync("p3 after the kill")).Id!);
        ResultText(await PostAsync(b.McpUri, Call(62, "announce", "name", "p4"), sid));
        var next = await resumed.NextMessageAsync("p4, live after the replay");
        Assert.True(IsListChanged(next), next.Data);
        seen.Add(next.Id!);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(seen.Select(Sequence).Order(), seen.Select(Sequence));
        Assert.All(seen, id => Assert.StartsWith(sid + ".", id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_on_one_replica_is_404_on_the_other_and_ends_open_get_streams()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        Assert.Equal("x", ResultText(await PostAsync(b.McpUri, Call(2, "echo", "message", "x"), sid)));
        await using var getOnB = await SseStream.OpenAsync(_http, b.McpUri, sid);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, a.McpUri);
        delete.Headers.Add("Mcp-Session-Id", sid);
        using (var deleted = await _http.SendAsync(delete))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => getOnB.NextMessageAsync("the end of the deleted session's GET stream"));

        var onB = await PostAsync(b.McpUri, Call(3, "echo", "message", "y"), sid);
        Assert.Equal(HttpStatusCode.NotFound, onB.Status);
        Assert.Equal(-32001, onB.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(a.McpUri, Call(4, "echo", "message", "z"), sid)).Status);
    }

    [Fact]
    public async Task Idle_session_expires_in_the_state_service_and_is_404_on_every_replica()
    {
        var a = await _cluster.StartReplicaAsync(TimeSpan.FromSeconds(1));
        var b = await _cluster.StartReplicaAsync(TimeSpan.FromSeconds(1));
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        Assert.Equal("on time", ResultText(await PostAsync(b.McpUri, Call(4, "echo", "message", "on time"), sid)));
        // Any request would slide the 1 s TTL, so stay away well past it (this waits for expiry; it measures nothing).
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var onB = await PostAsync(b.McpUri, Call(5, "echo", "message", "late"), sid);
        Assert.Equal(HttpStatusCode.NotFound, onB.Status);
        Assert.Equal(-32001, onB.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(a.McpUri, Call(6, "echo", "message", "late"), sid)).Status);
    }

    [Fact]
    public async Task Unknown_and_malformed_session_ids_and_last_event_ids_are_404_or_400_never_500()
    {
        var a = await _cluster.StartReplicaAsync();
        foreach (var bad in new[] { "AAAAAAAAAAAAAAAAAAAAAA", "short", "has space in it and more", new string('a', 300), "{brace}AAAAAAAAAAAAAAAA" })
        {
            var response = await PostAsync(a.McpUri, Call(7, "echo", "message", "x"), bad);
            Assert.True(response.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{bad}: {(int)response.Status} {response.Body}");
            Assert.NotNull(response.ErrorCode);
        }
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        foreach (var lastId in new[] { sid + ".bm9uZQ.99", "garbage", sid + ".X19nZXRfXw.-1", "a.b.c.d" })
        {
            using var resume = new HttpRequestMessage(HttpMethod.Get, a.McpUri);
            resume.Headers.Add("Accept", "text/event-stream");
            resume.Headers.Add("Mcp-Session-Id", sid);
            resume.Headers.Add("Last-Event-ID", lastId);
            using var answer = await _http.SendAsync(resume);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        }
    }

    [Fact]
    public async Task State_service_down_is_503_json_rpc_for_session_requests_while_stateless_2026_works_and_sessions_come_back()
    {
        var a = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        await _cluster.StopStateServiceAsync();

        var down = await PostAsync(a.McpUri, Call(2, "echo", "message", "x"), sid);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(-32000, down.ErrorCode);
        Assert.Contains("session_store_unavailable", down.Body, StringComparison.Ordinal);
        Assert.True(down.Headers.RetryAfter is not null, "Retry-After");

        using var stateless = RawMcp.Post(a.McpUri, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"message":"2026"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""");
        stateless.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        stateless.Headers.Add("Mcp-Method", "tools/call");
        stateless.Headers.Add("Mcp-Name", "echo");
        Assert.Equal("2026", ResultText(await RawMcp.SendAsync(_http, stateless)));

        await _cluster.StartStateServiceAsync();
        Assert.Equal("back", ResultText(await PostAsync(a.McpUri, Call(4, "echo", "message", "back"), sid)));
    }
}
