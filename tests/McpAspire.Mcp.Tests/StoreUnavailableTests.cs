using System.Net;
using System.Text.Json;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Tests;

/// <summary>
/// The endpoint's answer when its session store reports <see cref="McpSessionStoreUnavailableException"/>: 503 with a
/// JSON-RPC error for 2025 session requests, nothing for 2026 stateless ones. A switchable store (the in-memory one
/// behind an on/off failure) stands in for a remote store; the real one is tested in McpAspire.Mcp.Distributed.Tests.
/// </summary>
public sealed class StoreUnavailableTests
{
    private sealed class SwitchableSessionStore(InMemoryMcpSessionStore inner) : IMcpSessionStore
    {
        public volatile bool Down;

        private void ThrowIfDown()
        {
            if (Down)
            {
                throw new McpSessionStoreUnavailableException("store down (test)") { RetryAfter = TimeSpan.FromSeconds(3) };
            }
        }

        public ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            return inner.CreateAsync(record, cancellationToken);
        }

        public ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            return inner.GetAsync(sessionId, cancellationToken);
        }

        public ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            return inner.TouchAsync(sessionId, cancellationToken);
        }

        public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
        {
            ThrowIfDown();
            return inner.DeleteAsync(sessionId, cancellationToken);
        }
    }

    private static void AssertUnavailable(RawResponse response, int retryAfterSeconds)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        var error = JsonDocument.Parse(response.Body).RootElement.GetProperty("error");
        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        Assert.Equal("session_store_unavailable", error.GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromSeconds(retryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Null(response.SessionId);
    }

    [Fact]
    public async Task Session_requests_get_503_while_the_store_is_down_and_stateless_requests_do_not_notice()
    {
        SwitchableSessionStore? store = null;
        await using var server = await McpTestServer.StartAsync(o => o.SessionTouchInterval = TimeSpan.Zero, services =>
            services.AddSingleton<IMcpSessionStore>(sp => store = new SwitchableSessionStore(new InMemoryMcpSessionStore(
                sp.GetRequiredService<IOptions<McpEndpointOptions>>(), TimeProvider.System))));
        using var http = new HttpClient();
        var sid = await RawMcp.InitializeAsync(http, server.McpUri);
        var live = server.Service<McpLiveSessionRegistry>();
        Assert.Equal(1, live.Count);

        store!.Down = true;
        AssertUnavailable(await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", sid)), 3);
        AssertUnavailable(await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, RawMcp.InitializeBody)), 3);
        Assert.Equal(1, live.Count); // the session that could not be recorded was not kept either
        using (var get = new HttpRequestMessage(HttpMethod.Get, server.McpUri))
        {
            get.Headers.Add("Accept", "text/event-stream");
            get.Headers.Add("Mcp-Session-Id", sid);
            AssertUnavailable(await RawMcp.SendAsync(http, get), 3);
        }
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, server.McpUri))
        {
            delete.Headers.Add("Mcp-Session-Id", sid);
            AssertUnavailable(await RawMcp.SendAsync(http, delete), 3);
        }

        var stateless = RawMcp.Post(server.McpUri, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{" + RawMcp.Meta2026 + "}}");
        stateless.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        stateless.Headers.Add("Mcp-Method", "tools/list");
        var answer = await RawMcp.SendAsync(http, stateless);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.Messages.Single().TryGetProperty("result", out _), answer.Body);

        store.Down = false;
        var again = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":5,"method":"tools/list"}""", sid));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.Messages.Single().TryGetProperty("result", out _), again.Body);
    }
}
