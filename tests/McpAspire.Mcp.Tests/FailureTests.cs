using System.Net;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.Mcp.Tests;

/// <summary>When a backing store fails (the state service is down, say), clients get 503 with a JSON-RPC error, never a 500.</summary>
public sealed class FailureTests
{
    private sealed class BrokenSessionStore : IMcpSessionStore
    {
        public ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken) => throw new IOException("state service unreachable");

        public ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken) => throw new IOException("state service unreachable");

        public ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken) => throw new IOException("state service unreachable");

        public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken) => throw new IOException("state service unreachable");
    }

    [Fact]
    public async Task Broken_session_store_yields_503_json_rpc_errors_and_stateless_requests_still_work()
    {
        await using var server = await McpTestServer.StartAsync(services: s => s.AddSingleton<IMcpSessionStore, BrokenSessionStore>());
        using var http = new HttpClient();

        var lookup = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", "AAAAAAAAAAAAAAAAAAAAAA"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lookup.Status);
        Assert.Equal(-32603, lookup.ErrorCode);

        using var get = SessionTests.Get(server.McpUri, "AAAAAAAAAAAAAAAAAAAAAA");
        var stream = await RawMcp.SendAsync(http, get);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stream.Status);
        Assert.Equal(-32603, stream.ErrorCode);

        var init = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, RawMcp.InitializeBody));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, init.Status);
        Assert.Equal(-32603, init.ErrorCode);
        Assert.Equal(0, server.Service<McpAspire.Mcp.Sessions.McpLiveSessionRegistry>().Count); // nothing half-created lingers

        var stateless = RawMcp.Post(server.McpUri, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" + RawMcp.Meta2026 + "}}");
        stateless.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        stateless.Headers.Add("Mcp-Method", "tools/list");
        var list = await RawMcp.SendAsync(http, stateless);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Null(list.ErrorCode);
    }
}
