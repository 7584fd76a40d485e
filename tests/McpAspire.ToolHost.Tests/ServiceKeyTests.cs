using System.Net;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>The tool host with <c>ServiceAuth:Key</c> set (as the AppHost does): MCP callers without the key get a 401 JSON-RPC error.</summary>
public sealed class ServiceKeyTests
{
    private const string Key = "tool-host-service-key-0123456789abc";

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-wrong-key-wrong")]
    public async Task Mcp_post_get_and_legacy_sse_without_the_right_key_get_401_json_rpc_errors(string? key)
    {
        await using var server = await ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ServiceAuth:Key"] = Key });
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-McpAspire-Service-Key", key);
        }
        using var post = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json"),
        };
        post.Headers.Accept.ParseAdd("application/json, text/event-stream");
        var responses = new[]
        {
            await http.SendAsync(post),
            await http.GetAsync(new Uri("/mcp", UriKind.Relative)),
            await http.GetAsync(new Uri("/mcp/sse", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead),
        };
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(-32000, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
                Assert.Contains("service key", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }
        // The orchestrator's probe still works.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task A_client_presenting_the_key_calls_tools_in_both_eras(string? era)
    {
        await using var server = await ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ServiceAuth:Key"] = Key });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = server.McpUri,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["X-McpAspire-Service-Key"] = Key },
        }), new McpClientOptions { ProtocolVersion = era }, cancellationToken: cts.Token);
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "with key" }, cancellationToken: cts.Token);
        Assert.Equal("with key", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }
}
