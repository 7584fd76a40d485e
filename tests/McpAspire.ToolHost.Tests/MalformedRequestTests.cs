using System.Net;
using McpAspire.TestSupport;
using McpAspire.TestSupport.HostileInput;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The malformed-request corpus (tests/McpAspire.TestSupport/HostileInput/MalformedRequests.json) against the tool host
/// on the SDK's endpoint: every case gets the status and JSON-RPC code pinned for it in the corpus (never a 5xx, a hang or a session), and the tool
/// host keeps serving.
/// </summary>
public sealed class MalformedRequestTests
{
    [Fact]
    public async Task Every_malformed_request_gets_a_client_error_and_opens_no_session()
    {
        Assert.True(MalformedRequestCorpus.Names.Count >= 50 && MalformedRequestCorpus.Names.Distinct().Count() == MalformedRequestCorpus.Names.Count, "at least fifty cases with unique names");
        await using var server = await ToolHostServer.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var session = await RawMcp.InitializeAsync(http, server.McpUri);

        var failures = await MalformedRequestCorpus.RunAsync(http, server.BaseAddress, session, MalformedRequestCorpus.ToolHost);

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var still = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":9,"method":"tools/list"}""", session));
        Assert.Equal(HttpStatusCode.OK, still.Status);
    }
}
