using System.Net;
using System.Text.Json;
using McpAspire.StateService.Client;
using McpAspire.TestSupport;

namespace McpAspire.StateService.Tests;

/// <summary>The state service's contract, run against redis-server, Garnet and a three-primary Redis Cluster (derived classes).</summary>
public abstract class StateServiceBehaviour : IAsyncLifetime
{
    private readonly string _connectionString;
    private StateServiceHost _host = null!;

    protected StateServiceBehaviour(string connectionString)
    {
        _connectionString = connectionString;
    }

    private StateServiceClient Client => _host.Client;

    private static string NewPrincipal() => "user-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => _host = await StateServiceHost.StartAsync(_connectionString, new Dictionary<string, string?>
    {
        ["State:EventLogMaxLength"] = "20",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Session_lifecycle_create_get_list_count_delete()
    {
        var alice = NewPrincipal();
        var created = await Client.CreateSessionAsync(alice, new CreateSessionRequest(Attributes: new Dictionary<string, string> { ["protocolVersion"] = "2025-11-25" }));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", created.Id);
        Assert.Equal(alice, created.Principal);
        Assert.Equal(24 * 3600, created.IdleTtlSeconds);

        var got = await Client.GetSessionAsync(alice, created.Id);
        Assert.NotNull(got);
        Assert.Equal("2025-11-25", got.Attributes["protocolVersion"]);

        var merged = await Client.MergeSessionAttributesAsync(alice, created.Id, new() { ["clientName"] = "vscode", ["protocolVersion"] = null });
        Assert.Equal("vscode", merged!.Attributes["clientName"]);
        Assert.False(merged.Attributes.ContainsKey("protocolVersion"));

        var second = await Client.CreateSessionAsync(alice);
        Assert.NotEqual(created.Id, second.Id);
        Assert.Equal(2, await Client.CountSessionsAsync(alice));

        var page1 = await Client.ListSessionsAsync(alice, limit: 1);
        Assert.Single(page1.Items);
        Assert.NotNull(page1.NextCursor);
        var page2 = await Client.ListSessionsAsync(alice, page1.NextCursor, limit: 1);
        Assert.Single(page2.Items);
        Assert.Equal(new[] { created.Id, second.Id }.Order(), page1.Items.Concat(page2.Items).Select(s => s.Id).Order());

        Assert.True(await Client.DeleteSessionAsync(alice, created.Id));
        Assert.Null(await Client.GetSessionAsync(alice, created.Id));
        Assert.False(await Client.DeleteSessionAsync(alice, created.Id));
        Assert.Equal(1, await Client.CountSessionsAsync(alice));
    }

    [Fact]
    public async Task Session_created_with_a_caller_chosen_id_keeps_it_and_a_taken_id_is_a_conflict()
    {
        var alice = NewPrincipal();
        var bob = NewPrincipal();
        var id = "mcp-" + Guid.NewGuid().ToString("N");
        var created = await Client.CreateSessionAsync(alice, new CreateSessionRequest(IdleTtlSeconds: 60, Id: id));
        Assert.Equal(id, created.Id);
        Assert.Equal(60, created.IdleTtlSeconds);
        Assert.Equal(id, (await Client.GetSessionAsync(alice, id))!.Id);

        // Taken is taken, whoever asks; the first owner's session is unchanged.
        var again = await Assert.ThrowsAsync<StateServiceException>(() => Client.CreateSessionAsync(alice, new CreateSessionRequest(Id: id)));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var other = await Assert.ThrowsAsync<StateServiceException>(() => Client.CreateSessionAsync(bob, new CreateSessionRequest(Id: id)));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Null(await Client.GetSessionAsync(bob, id));
        Assert.Equal(60, (await Client.GetSessionAsync(alice, id))!.IdleTtlSeconds);

        // Once deleted, the id may be used again.
        Assert.True(await Client.DeleteSessionAsync(alice, id));
        Assert.Equal(id, (await Client.CreateSessionAsync(bob, new CreateSessionRequest(Id: id))).Id);
    }

    [Fact]
    public async Task Another_principals_session_is_not_found_and_untouched()
    {
        var alice = NewPrincipal();
        var bob = NewPrincipal();
        var session = await Client.CreateSessionAsync(alice);
        await Client.RegisterMcpClientAsync(alice, session.Id, "github", new RegisterClientRequest("https://example.test/mcp"));

        Assert.Null(await Client.GetSessionAsync(bob, session.Id));
        Assert.False(await Client.TouchSessionAsync(bob, session.Id));
        Assert.False(await Client.DeleteSessionAsync(bob, session.Id));
        Assert.Null(await Client.ListMcpClientsAsync(bob, session.Id));
        Assert.Null(await Client.GetMcpClientAsync(bob, session.Id, "github"));
        Assert.Null(await Client.RegisterMcpClientAsync(bob, session.Id, "evil", new RegisterClientRequest("x")));
        Assert.Null(await Client.AppendEventAsync(bob, session.Id, "get", JsonDocument.Parse("{}").RootElement));
        Assert.Empty((await Client.ListSessionsAsync(bob)).Items);

        Assert.NotNull(await Client.GetSessionAsync(alice, session.Id));
        Assert.Single((await Client.ListMcpClientsAsync(alice, session.Id))!);
    }

    [Fact]
    public async Task Idle_ttl_slides_on_every_access_and_the_session_expires_when_left_alone()
    {
        var alice = NewPrincipal();
        var session = await Client.CreateSessionAsync(alice, new CreateSessionRequest(IdleTtlSeconds: 2));
        await Client.RegisterMcpClientAsync(alice, session.Id, "memory", new RegisterClientRequest("stdio:npx server-memory"));

        // Five touches a second apart span 2.5 idle TTLs: only sliding keeps the session alive.
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(1000);
            Assert.True(await Client.TouchSessionAsync(alice, session.Id), $"touch {i + 1} found the session");
        }
        Assert.NotNull(await Client.GetMcpClientAsync(alice, session.Id, "memory"));

        using var changes = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var expiredSeen = WaitForChangeAsync(StateChangeTypes.SessionExpired, session.Id, changes.Token);
        // Polled without touching (a get would slide the TTL and keep it alive).
        await Eventually.HoldsAsync(async () => await Client.CountSessionsAsync(alice) == 0, "the idle session expired");
        Assert.Null(await Client.GetSessionAsync(alice, session.Id));

        using var sweep = await _host.Http.PostAsync(new Uri("admin/sweep", UriKind.Relative), null);
        sweep.EnsureSuccessStatusCode();
        var change = await expiredSeen;
        Assert.Equal(session.Id, change.SessionId);
        Assert.Empty((await Client.ListSessionsAsync(alice)).Items);
    }

    [Fact]
    public async Task Absolute_lifetime_ends_a_session_even_while_it_is_being_used()
    {
        var alice = NewPrincipal();
        var session = await Client.CreateSessionAsync(alice, new CreateSessionRequest(IdleTtlSeconds: 60, AbsoluteLifetimeSeconds: 2));
        Assert.NotNull(session.AbsoluteExpiresAt);
        await Eventually.HoldsAsync(async () => !await Client.TouchSessionAsync(alice, session.Id), "the session reached its absolute lifetime");
    }

    [Fact]
    public async Task Mcp_client_state_register_list_update_and_unregister()
    {
        var alice = NewPrincipal();
        var sid = (await Client.CreateSessionAsync(alice)).Id;
        foreach (var name in new[] { "toolhost", "everything", "memory" })
        {
            var registered = await Client.RegisterMcpClientAsync(alice, sid, name, new RegisterClientRequest($"http://{name}/mcp", "connected", 3, "down-" + name, new Dictionary<string, string> { ["transport"] = "http" }));
            Assert.Equal("connected", registered!.Status);
        }

        var list = await Client.ListMcpClientsAsync(alice, sid);
        Assert.Equal(["everything", "memory", "toolhost"], list!.Select(c => c.Name));
        Assert.All(list!, c => Assert.Equal(3, c.ToolCount));

        Assert.True(await Client.UpdateToolCountAsync(alice, sid, "memory", 9));
        Assert.True(await Client.SetMcpClientStatusAsync(alice, sid, "memory", "reconnecting", "down-2"));
        Assert.True(await Client.SetMcpClientMetadataAsync(alice, sid, "memory", new() { ["region"] = "eu", ["transport"] = null }));
        Assert.True(await Client.MarkMcpClientActiveAsync(alice, sid, "memory"));
        var memory = await Client.GetMcpClientAsync(alice, sid, "memory");
        Assert.Equal(9, memory!.ToolCount);
        Assert.Equal("reconnecting", memory.Status);
        Assert.Equal("down-2", memory.DownstreamSessionId);
        Assert.Equal(new Dictionary<string, string> { ["region"] = "eu" }, memory.Metadata);
        Assert.True(memory.LastActiveAt >= memory.RegisteredAt);

        Assert.False(await Client.UpdateToolCountAsync(alice, sid, "nope", 1));
        Assert.True(await Client.UnregisterMcpClientAsync(alice, sid, "memory"));
        Assert.False(await Client.UnregisterMcpClientAsync(alice, sid, "memory"));
        Assert.Null(await Client.GetMcpClientAsync(alice, sid, "memory"));
        Assert.Equal(2, (await Client.ListMcpClientsAsync(alice, sid))!.Count);
    }

    [Fact]
    public async Task Batch_update_changes_one_client_record_in_many_sessions_and_names_the_sessions_it_could_not()
    {
        var alice = NewPrincipal();
        var bob = NewPrincipal();
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var sid = (await Client.CreateSessionAsync(alice)).Id;
            await Client.RegisterMcpClientAsync(alice, sid, "toolhost", new RegisterClientRequest("http://toolhost/mcp", "connected", 14, "down-1"));
            await Client.RegisterMcpClientAsync(alice, sid, "memory", new RegisterClientRequest("stdio:node", "connected", 9));
            sessions.Add(sid);
        }
        var withoutRecord = (await Client.CreateSessionAsync(alice)).Id;
        var bobs = (await Client.CreateSessionAsync(bob)).Id;
        await Client.RegisterMcpClientAsync(bob, bobs, "toolhost", new RegisterClientRequest("http://toolhost/mcp", "connected", 14));
        var unknown = new string('Q', 22);

        var result = await Client.UpdateMcpClientsAsync(alice, new ClientBatchUpdateRequest("toolhost", [.. sessions, withoutRecord, bobs, unknown], "reconnecting", 0, ""));

        Assert.Equal(3, result!.Updated);
        Assert.Equal([withoutRecord, bobs, unknown], result.NotFound);
        foreach (var sid in sessions)
        {
            var toolhost = await Client.GetMcpClientAsync(alice, sid, "toolhost");
            Assert.Equal(("reconnecting", 0L, (string?)null), (toolhost!.Status, toolhost.ToolCount, toolhost.DownstreamSessionId));
            // Only the named client changed.
            var memory = await Client.GetMcpClientAsync(alice, sid, "memory");
            Assert.Equal(("connected", 9L), (memory!.Status, memory.ToolCount));
        }
        // Another principal's session with the same client name is untouched.
        var bobsRecord = await Client.GetMcpClientAsync(bob, bobs, "toolhost");
        Assert.Equal(("connected", 14L), (bobsRecord!.Status, bobsRecord.ToolCount));

        // Tool count alone leaves the status as it is.
        result = await Client.UpdateMcpClientsAsync(alice, new ClientBatchUpdateRequest("toolhost", sessions, ToolCount: 15));
        Assert.Equal(3, result!.Updated);
        Assert.All(await Task.WhenAll(sessions.Select(sid => Client.GetMcpClientAsync(alice, sid, "toolhost"))), r => Assert.Equal(("reconnecting", 15L), (r!.Status, r.ToolCount)));
    }

    [Fact]
    public async Task Concurrent_writers_on_one_session_lose_no_update()
    {
        var alice = NewPrincipal();
        var sid = (await Client.CreateSessionAsync(alice)).Id;
        await Client.RegisterMcpClientAsync(alice, sid, "shared", new RegisterClientRequest("http://shared/mcp"));

        const int writers = 64;
        var metadataWrites = Enumerable.Range(0, writers).Select(i =>
            Client.SetMcpClientMetadataAsync(alice, sid, "shared", new() { [$"writer{i}"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var registrations = Enumerable.Range(0, writers).Select(i =>
            Client.RegisterMcpClientAsync(alice, sid, $"c{i}", new RegisterClientRequest($"http://c{i}/mcp")));
        var appends = Enumerable.Range(0, writers).Select(i =>
            Client.AppendEventAsync(alice, sid, "get", JsonDocument.Parse($"{{\"n\":{i}}}").RootElement));
        Assert.All(await Task.WhenAll(metadataWrites), Assert.True);
        Assert.All(await Task.WhenAll(registrations), r => Assert.NotNull(r));
        var ids = await Task.WhenAll(appends);

        var shared = await Client.GetMcpClientAsync(alice, sid, "shared");
        Assert.Equal(writers, shared!.Metadata.Count);
        Assert.Equal(writers + 1, (await Client.ListMcpClientsAsync(alice, sid))!.Count);
        Assert.Equal(Enumerable.Range(1, writers).Select(i => (long?)i), ids.Order());
    }

    [Fact]
    public async Task Cleanup_removes_only_clients_idle_longer_than_max_age()
    {
        var alice = NewPrincipal();
        var sid = (await Client.CreateSessionAsync(alice)).Id;
        await Client.RegisterMcpClientAsync(alice, sid, "stale", new RegisterClientRequest("http://stale/mcp"));
        await Task.Delay(1500);
        await Client.RegisterMcpClientAsync(alice, sid, "fresh", new RegisterClientRequest("http://fresh/mcp"));

        Assert.Equal(1, await Client.CleanupSessionClientsAsync(alice, sid, TimeSpan.FromSeconds(1)));
        Assert.Equal(["fresh"], (await Client.ListMcpClientsAsync(alice, sid))!.Select(c => c.Name));

        await Task.Delay(1500);
        Assert.True(await Client.CleanupExpiredClientsAsync(TimeSpan.FromSeconds(1)) >= 1);
        Assert.Empty((await Client.ListMcpClientsAsync(alice, sid))!);
    }

    [Fact]
    public async Task Event_log_reads_after_an_id_filters_by_stream_and_is_capped()
    {
        var alice = NewPrincipal();
        var sid = (await Client.CreateSessionAsync(alice)).Id;
        for (var i = 1; i <= 25; i++)
        {
            var id = await Client.AppendEventAsync(alice, sid, i % 2 == 0 ? "get" : "req-1", JsonDocument.Parse($"{{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{{\"i\":{i}}}}}").RootElement);
            Assert.Equal(i, id);
        }

        var after20 = await Client.ReadEventsAsync(alice, sid, afterId: 20);
        Assert.Equal([21L, 22, 23, 24, 25], after20!.Select(e => e.Id));
        Assert.Equal(23, after20![2].Data.GetProperty("params").GetProperty("i").GetInt32());

        var getOnly = await Client.ReadEventsAsync(alice, sid, afterId: 20, stream: "get");
        Assert.Equal([22L, 24], getOnly!.Select(e => e.Id));

        // The log keeps the last 20 (State:EventLogMaxLength); a read from the start says it was truncated.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"sessions/{sid}/events?after=0");
        request.Headers.Add(StateServiceClient.PrincipalHeader, alice);
        using var response = await _host.Http.SendAsync(request);
        Assert.Equal("true", response.Headers.GetValues("Mcp-Events-Truncated").Single());
        var all = await Client.ReadEventsAsync(alice, sid);
        Assert.Equal(Enumerable.Range(6, 20).Select(i => (long)i), all!.Select(e => e.Id));
    }

    [Fact]
    public async Task Change_stream_delivers_session_events_and_client_changes()
    {
        var alice = NewPrincipal();
        var sid = (await Client.CreateSessionAsync(alice)).Id;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new List<StateChange>();
        var enumerator = Client.SubscribeAsync(sid, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = enumerator.MoveNextAsync().AsTask();
        await _host.WaitForSubscribersAsync(1);
        await Client.RegisterMcpClientAsync(alice, sid, "toolhost", new RegisterClientRequest("http://toolhost/mcp"));
        await Client.AppendEventAsync(alice, sid, "get", JsonDocument.Parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}").RootElement);

        Assert.True(await first);
        received.Add(enumerator.Current);
        Assert.True(await enumerator.MoveNextAsync());
        received.Add(enumerator.Current);
        await enumerator.DisposeAsync();

        Assert.Equal([StateChangeTypes.ClientRegistered, StateChangeTypes.SessionEvent], received.Select(c => c.Type));
        Assert.Equal("toolhost", received[0].Name);
        Assert.Equal(1, received[1].Event!.Id);
        Assert.Equal("notifications/tools/list_changed", received[1].Event!.Data.GetProperty("method").GetString());
    }

    [Fact]
    public async Task Connection_state_follows_the_requirements_key_layout()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..8];
        var tools = JsonDocument.Parse("[{\"name\":\"search\"}]").RootElement;
        await Client.PutConnectionAsync("user", user, "github", new PutServerConnectionRequest("connected", tools));
        await Client.PutConnectionAsync("user", user, "memory", new PutServerConnectionRequest("connecting"));
        await Client.PutConnectionAsync("session", "anon-" + user, "github", new PutServerConnectionRequest("connected"));

        var all = await Client.GetConnectionsAsync("user", user);
        Assert.Equal(["github", "memory"], all.Select(c => c.Server));
        Assert.Equal("search", all[0].Tools!.Value[0].GetProperty("name").GetString());
        Assert.True(await Client.SetConnectionStatusAsync("user", user, "memory", "connected"));
        Assert.Equal("connected", (await Client.GetConnectionAsync("user", user, "memory"))!.Status);

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_connectionString);
        var db = redis.GetDatabase();
        Assert.True(await db.KeyExistsAsync($"mcp:user:{{{user}}}:connections"));
        Assert.Equal("connected", (string?)await db.StringGetAsync($"mcp:user:{{{user}}}:server:github:status"));
        Assert.True(await db.KeyExistsAsync($"mcp:user:{{{user}}}:server:github:tools"));
        Assert.True(await db.KeyExistsAsync($"mcp:user:{{{user}}}:server:github:connected_at"));
        Assert.True(await db.KeyExistsAsync($"mcp:session:{{anon-{user}}}:server:github:status"));
        var ttl = await db.KeyTimeToLiveAsync($"mcp:user:{{{user}}}:server:github:status");
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));

        Assert.True(await Client.DeleteConnectionAsync("user", user, "github"));
        Assert.False(await db.KeyExistsAsync($"mcp:user:{{{user}}}:server:github:status"));
        Assert.Equal(["memory"], (await Client.GetConnectionsAsync("user", user)).Select(c => c.Server));
    }

    [Fact]
    public async Task Catalog_cache_expires_with_its_ttl()
    {
        var server = "srv" + Guid.NewGuid().ToString("N")[..8];
        var catalog = JsonDocument.Parse("{\"tools\":[{\"name\":\"echo\"}]}").RootElement;
        var stored = await Client.PutCatalogAsync(server, catalog, TimeSpan.FromSeconds(1));
        Assert.Equal(1, stored.TtlSeconds);
        Assert.Equal("echo", (await Client.GetCatalogAsync(server))!.Catalog.GetProperty("tools")[0].GetProperty("name").GetString());
        await Eventually.HoldsAsync(async () => await Client.GetCatalogAsync(server) is null, "the catalog entry expired");
        await Client.PutCatalogAsync(server, catalog);
        Assert.True(await Client.DeleteCatalogAsync(server));
        Assert.Null(await Client.GetCatalogAsync(server));
    }

    [Fact]
    public async Task Every_session_key_carries_a_ttl_and_the_hash_tag()
    {
        var alice = NewPrincipal();
        var sid = (await Client.CreateSessionAsync(alice, new CreateSessionRequest(IdleTtlSeconds: 600))).Id;
        await Client.RegisterMcpClientAsync(alice, sid, "a", new RegisterClientRequest("http://a"));
        await Client.AppendEventAsync(alice, sid, "get", JsonDocument.Parse("1").RootElement);

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_connectionString);
        var db = redis.GetDatabase();
        var keys = new List<string>();
        foreach (var endpoint in redis.GetEndPoints())
        {
            // On a cluster the session's keys sit on whichever primary owns their slot: look at every one.
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: $"mcp:{{{sid}}}:*", pageSize: 100))
            {
                keys.Add(key.ToString()!);
            }
        }
        Assert.Equal([$"mcp:{{{sid}}}:client:a", $"mcp:{{{sid}}}:clients", $"mcp:{{{sid}}}:events", $"mcp:{{{sid}}}:session"], keys.Order());
        foreach (var key in keys)
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.FromSeconds(590), $"{key} has TTL {ttl}");
        }
    }

    private async Task<StateChange> WaitForChangeAsync(string type, string sid, CancellationToken ct)
    {
        await foreach (var change in _host.Client.SubscribeAsync(sid, ct))
        {
            if (change.Type == type)
            {
                return change;
            }
        }
        throw new InvalidOperationException("The change stream ended.");
    }
}

public sealed class StateServiceOnRedisTests : StateServiceBehaviour, IClassFixture<RedisFixture>
{
    public StateServiceOnRedisTests(RedisFixture fixture) : base(fixture.Server.ConnectionString)
    {
    }
}

public sealed class StateServiceOnGarnetTests : StateServiceBehaviour, IClassFixture<GarnetFixture>
{
    public StateServiceOnGarnetTests(GarnetFixture fixture) : base(fixture.Server.ConnectionString)
    {
    }
}

public sealed class StateServiceOnRedisClusterTests : StateServiceBehaviour, IClassFixture<RedisClusterFixture>
{
    public StateServiceOnRedisClusterTests(RedisClusterFixture fixture) : base(fixture.Cluster.ConnectionString)
    {
    }
}
