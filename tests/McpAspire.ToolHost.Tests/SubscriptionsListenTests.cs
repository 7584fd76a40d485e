using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Tests;

/// <summary>2026-07-28 <c>subscriptions/listen</c>: a long-lived POST stream that carries list-changed notifications.</summary>
public sealed class SubscriptionsListenTests
{
    [Fact]
    public async Task Listen_stream_is_acknowledged_and_receives_tools_list_changed()
    {
        await using var server = await ToolHostServer.StartAsync();
        using var http = new HttpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUri)
        {
            Content = new StringContent("""
                {"jsonrpc":"2.0","id":"listen-1","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},
                 "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}
                """, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "subscriptions/listen");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var ack = await NextMessageAsync(reader, timeout.Token);
        Assert.Equal("notifications/subscriptions/acknowledged", ack.GetProperty("method").GetString());
        Assert.True(ack.GetProperty("params").GetProperty("notifications").GetProperty("toolsListChanged").GetBoolean());

        var tools = server.App.Services.GetRequiredService<IOptions<McpServerOptions>>().Value.ToolCollection!;
        tools.Add(McpServerTool.Create(() => "new", new McpServerToolCreateOptions { Name = "added_at_run_time" }));

        var changed = await NextMessageAsync(reader, timeout.Token);
        Assert.Equal("notifications/tools/list_changed", changed.GetProperty("method").GetString());
        Assert.Equal("listen-1", changed.GetProperty("params").GetProperty("_meta").GetProperty("io.modelcontextprotocol/subscriptionId").GetString());

        // Stopping the host ends the listen stream with its result instead of holding shutdown until Kestrel's timeout.
        var stopping = server.App.StopAsync(timeout.Token);
        var final = await NextMessageAsync(reader, timeout.Token);
        Assert.Equal("listen-1", final.GetProperty("id").GetString());
        Assert.Equal("complete", final.GetProperty("result").GetProperty("resultType").GetString());
        await stopping.WaitAsync(timeout.Token);
    }

    private static async Task<JsonElement> NextMessageAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("the listen stream ended");
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Length > 6)
            {
                return JsonDocument.Parse(line[5..].Trim()).RootElement.Clone();
            }
        }
    }
}
