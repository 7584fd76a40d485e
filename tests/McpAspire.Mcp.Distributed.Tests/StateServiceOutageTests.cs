using System.Net;
using System.Text.Json;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>The state service stopped and started again under two replicas with a live 2025-11-25 session.</summary>
public sealed class StateServiceOutageTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Cluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync(redis.Server.ConnectionString);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private static string Echo(int id, string message) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + message + "\"}}}";

    private static string Text(RawResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, $"{(int)response.Status}: {response.Body}");
        return response.Messages.Single(m => m.TryGetProperty("id", out _)).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
    }

    private static void AssertStoreUnavailable(RawResponse response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal("application/json", response.ContentType);
        var error = JsonDocument.Parse(response.Body).RootElement.GetProperty("error");
        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        Assert.Equal("session_store_unavailable", error.GetProperty("data").GetProperty("reason").GetString());
        Assert.True(response.Headers.RetryAfter is not null, "Retry-After is set");
        Assert.Null(response.SessionId);
    }

    [Fact]
    public async Task Session_requests_get_503_while_stateless_requests_work_and_sessions_continue_after_restart()
    {
        var a = await _cluster.StartReplicaAsync();
        var b = await _cluster.StartReplicaAsync();
        var sid = await RawMcp.InitializeAsync(_http, a.McpUri);
        Assert.Equal("before", Text(await RawMcp.SendAsync(_http, RawMcp.Post(b.McpUri, Echo(2, "before"), sid))));

        var openGet = await SseStream.OpenAsync(_http, b.McpUri, sid);
        await using (openGet)
        {
            await _cluster.StopStateServiceAsync();
            // An open GET stream ends (rather than hanging silently) so the client reconnects with its last id later.
            var ended = await Assert.ThrowsAsync<InvalidOperationException>(() => openGet.NextMessageAsync("the end of the stream"));
            Assert.Contains("ended", ended.Message, StringComparison.Ordinal);
        }

        // Both the replica that created the session and the one that re-hydrated it answer 503, not 500, at once.
        AssertStoreUnavailable(await RawMcp.SendAsync(_http, RawMcp.Post(a.McpUri, Echo(3, "down"), sid)));
        AssertStoreUnavailable(await RawMcp.SendAsync(_http, RawMcp.Post(b.McpUri, Echo(4, "down"), sid)));
        // No new session can be created (its record could not be kept)…
        AssertStoreUnavailable(await RawMcp.SendAsync(_http, RawMcp.Post(a.McpUri, RawMcp.InitializeBody)));
        // …nor a GET stream opened or the session deleted.
        using (var get = new HttpRequestMessage(HttpMethod.Get, b.McpUri))
        {
            get.Headers.Add("Accept", "text/event-stream");
            get.Headers.Add("Mcp-Session-Id", sid);
            AssertStoreUnavailable(await RawMcp.SendAsync(_http, get));
        }
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, a.McpUri))
        {
            delete.Headers.Add("Mcp-Session-Id", sid);
            AssertStoreUnavailable(await RawMcp.SendAsync(_http, delete));
        }

        // 2026-07-28 requests are stateless and never touch the stores.
        var stateless = RawMcp.Post(a.McpUri, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"stateless\"}," + RawMcp.Meta2026 + "}}");
        stateless.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        stateless.Headers.Add("Mcp-Method", "tools/call");
        stateless.Headers.Add("Mcp-Name", "echo");
        Assert.Equal("stateless", Text(await RawMcp.SendAsync(_http, stateless)));

        await _cluster.StartStateServiceAsync();

        // The session lived on in Redis: both replicas serve it again.
        Assert.Equal("back on A", Text(await RawMcp.SendAsync(_http, RawMcp.Post(a.McpUri, Echo(5, "back on A"), sid))));
        Assert.Equal("back on B", Text(await RawMcp.SendAsync(_http, RawMcp.Post(b.McpUri, Echo(6, "back on B"), sid))));
        var fresh = await RawMcp.InitializeAsync(_http, b.McpUri);
        Assert.Equal("new", Text(await RawMcp.SendAsync(_http, RawMcp.Post(a.McpUri, Echo(7, "new"), fresh))));
    }
}
