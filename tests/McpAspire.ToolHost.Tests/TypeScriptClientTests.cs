using System.Text.Json;
using McpAspire.TestSupport;

namespace McpAspire.ToolHost.Tests;

/// <summary>The TypeScript SDK's StreamableHTTPClientTransport (a 2025-era client) against the tool host.</summary>
public sealed class TypeScriptClientTests
{
    [Fact]
    public async Task Typescript_sdk_client_lists_tools_calls_echo_and_ends_its_session()
    {
        await using var server = await ToolHostServer.StartAsync();
        var script = RepoPaths.Combine("tests", "node", "clients", "streamable-client.mjs");

        var result = await NodeProcess.RunAsync([script, server.McpUri.ToString(), "héllo from node ✓"], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var line = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("héllo from node ✓", root.GetProperty("echo").GetString());
        Assert.False(root.GetProperty("isError").GetBoolean());
        Assert.Equal("mcpaspire-toolhost", root.GetProperty("serverName").GetString());
        Assert.Contains("echo", root.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("2025-", root.GetProperty("protocolVersion").GetString(), StringComparison.Ordinal);
        var sessionId = root.GetProperty("sessionId").GetString();
        Assert.False(string.IsNullOrEmpty(sessionId));

        // terminateSession() sent DELETE: the session is gone for everyone.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUri)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("Mcp-Session-Id", sessionId);
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
