using System.Net;
using System.Text.Json;
using McpAspire.TestSupport;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>
/// 2025-11-25 sessions kept in the real state service (over a real redis-server), served by two McpAspire.Mcp replicas on
/// their own ports: any replica serves any request, GET streams carry what another replica's server sent, and
/// Last-Event-ID resumes across replicas without loss or duplicates.
/// </summary>
public sealed class CrossReplicaSessionTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private Cluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync(redis.Server.ConnectionString);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private static string Call(int id, string tool, string argName, string argValue) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
        + "\",\"arguments\":{\"" + argName + "\":\"" + argValue + "\"}}}";

    private async Task<RawResponse> PostAsync(Uri uri, string body, string sessionId) =>
        await RawMcp.SendAsync(_http, RawMcp.Post(uri, body, sessionId));

    private static string ResultText(RawResponse response)
    {
        var message = response.Messages.Single(m => m.TryGetProperty("id", out _));
        Assert.False(message.TryGetProperty("error", out var error), "error: " + error);
        return message.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
    }

    private static bool IsListChanged(SseEvent e) =>
        JsonDocument.Parse(e.Data).RootElement.GetProperty("method").GetString() == "notifications/tools/list_changed";

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
        // Both replicas served POSTs of the one session.
        Assert.True(alternating.PostsTo(a.McpUri) >= 3, $"A served {alternating.PostsTo(a.McpUri)} POSTs");
        Assert.True(alternating.PostsTo(b.McpUri) >= 3, $"B served {alternating.PostsTo(b.McpUri)} POSTs");
    }

    [Fact]
    public async Task Get_stream_on_one_replica_receives_what_the_other_sent_and_resumes_on_either_without_loss_or_duplicates()
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
        // Disconnected: three more announcements, from both replicas.
        Assert.Equal("added t3", ResultText(await PostAsync(a.McpUri, Call(20, "announce", "name", "t3"), sid)));
        Assert.Equal("added t4", ResultText(await PostAsync(b.McpUri, Call(21, "announce", "name", "t4"), sid)));
        Assert.Equal("added t5", ResultText(await PostAsync(a.McpUri, Call(22, "announce", "name", "t5"), sid)));
        // Resume on A with the last id seen on B: exactly the three missed, then live ones.
        await using (var resumed = await SseStream.OpenAsync(_http, a.McpUri, sid, lastId))
        {
            for (var i = 0; i < 3; i++)
            {
                var e = await resumed.NextMessageAsync($"replayed event #{i}");
                Assert.True(IsListChanged(e), e.Data);
                seen.Add(e.Id!);
            }
            Assert.Equal("added t6", ResultText(await PostAsync(b.McpUri, Call(23, "announce", "name", "t6"), sid)));
            var live = await resumed.NextMessageAsync("the live event after the replay");
            seen.Add(live.Id!);
        }
        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var sequences = seen.Select(id => long.Parse(id[(id.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequences.Order(), sequences); // in order
    }

    [Fact]
    public async Task Replica_stopped_abruptly_mid_stream_and_the_client_resumes_on_the_other_without_loss()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, b.McpUri);

        var seen = new List<string>();
        var getOnA = await SseStream.OpenAsync(_http, a.McpUri, sid);
        for (var i = 0; i < 2; i++)
        {
            ResultText(await PostAsync(b.McpUri, Call(30 + i, "announce", "name", $"k{i}"), sid));
            seen.Add((await getOnA.NextMessageAsync($"event #{i} before the kill")).Id!);
        }
        await a.KillAsync();
        await getOnA.DisposeAsync();

        // Produced while the client had no stream at all.
        ResultText(await PostAsync(b.McpUri, Call(40, "announce", "name", "k2"), sid));
        ResultText(await PostAsync(b.McpUri, Call(41, "announce", "name", "k3"), sid));

        await using var resumed = await SseStream.OpenAsync(_http, b.McpUri, sid, seen[^1]);
        seen.Add((await resumed.NextMessageAsync("k2 after the kill")).Id!);
        seen.Add((await resumed.NextMessageAsync("k3 after the kill")).Id!);
        Assert.Equal(4, seen.Distinct().Count());
    }

    [Fact]
    public async Task Delete_on_one_replica_is_404_on_the_other()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        Assert.Equal("x", ResultText(await PostAsync(b.McpUri, Call(2, "echo", "message", "x"), sid)));

        using var delete = new HttpRequestMessage(HttpMethod.Delete, a.McpUri);
        delete.Headers.Add("Mcp-Session-Id", sid);
        using (var deleted = await _http.SendAsync(delete))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

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
    public async Task Unknown_and_malformed_session_ids_are_404_without_a_500()
    {
        var a = await _cluster.StartReplicaAsync();
        foreach (var bad in new[] { "AAAAAAAAAAAAAAAAAAAAAA", "short", "has space in it and more", new string('a', 300), "{brace}AAAAAAAAAAAAAAAA" })
        {
            var response = await PostAsync(a.McpUri, Call(7, "echo", "message", "x"), bad);
            Assert.True(response.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{bad}: {(int)response.Status} {response.Body}");
            Assert.NotNull(response.ErrorCode);
        }
        using var resume = new HttpRequestMessage(HttpMethod.Get, a.McpUri);
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        resume.Headers.Add("Accept", "text/event-stream");
        resume.Headers.Add("Mcp-Session-Id", sid);
        resume.Headers.Add("Last-Event-ID", sid + ".bm9uZQ.99");
        using var answer = await _http.SendAsync(resume);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }
}
