using System.Net;
using McpAspire.TestSupport.HostileInput;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// The malformed-request corpus (tests/McpAspire.TestSupport/HostileInput/MalformedRequests.json, which McpAspire.Mcp's
/// tests ran against the gateway's earlier front) against the gateway on the SDK's endpoint, with the tool host behind
/// it: every case gets the status and JSON-RPC code pinned for it in the corpus (never a 5xx, a hang or a session), and the gateway keeps serving.
/// </summary>
public sealed class MalformedRequestTests
{
    [Fact]
    public async Task Every_malformed_request_gets_a_client_error_and_opens_no_session()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Http("toolhost", toolHost.McpUri));
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync("toolhost") == "connected", "toolhost connected", 60);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var session = await RawMcp.InitializeAsync(http, gateway.McpUri);

        var failures = await MalformedRequestCorpus.RunAsync(http, gateway.BaseAddress, session, MalformedRequestCorpus.Gateway);

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var still = await RawMcp.SendAsync(http, RawMcp.Post(gateway.McpUri, """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"message":"still here"}}}""", session));
        Assert.Equal(HttpStatusCode.OK, still.Status);
        Assert.Contains("still here", still.Body, StringComparison.Ordinal);
    }
}
