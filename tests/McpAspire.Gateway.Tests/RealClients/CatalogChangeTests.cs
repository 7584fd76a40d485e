using System.Text.Json;
using McpAspire.TestSupport;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests.RealClients;

/// <summary>
/// A downstream added while clients are connected (the servers file edited, as a user would): names clients already
/// use stay, and every live session and listen stream hears that the list changed.
/// </summary>
public sealed class CatalogChangeTests
{
    [Fact]
    public async Task A_server_added_later_keeps_exposed_names_and_every_session_and_listen_stream_hears_list_changed()
    {
        await using var topology = await RealTopology.StartAsync();
        var uri = topology.GatewayMcpUri;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        // A 2025 session that lists and calls "echo" (the tool host's).
        var listChanged = 0;
        await using var user = await GatewayFixture.ConnectAsync(uri, "2025-11-25", new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { Interlocked.Increment(ref listChanged); return ValueTask.CompletedTask; })],
            },
        });
        Assert.Contains("echo", (await user.ListToolsAsync()).Select(t => t.Name));
        Assert.Equal("before", Text(await user.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "before" })));

        // A 2025 session that only initialized and opened its GET stream.
        var quietSession = await RawMcp.InitializeAsync(http, uri);
        await using var quietStream = await SseStream.OpenAsync(http, uri, quietSession);

        // A 2026-07-28 listen stream for tool list changes.
        await using var listen = await SseStream.PostAsync(http, uri,
            $$$"""{"jsonrpc":"2.0","id":"listen-1","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},{{{RawMcp.Meta2026}}}}}""",
            ("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "subscriptions/listen"));
        Assert.Contains("notifications/subscriptions/acknowledged", (await listen.NextMessageAsync("the acknowledgement")).Data, StringComparison.Ordinal);

        // server-everything also has a tool named "echo".
        await topology.AddStdioServerAsync("everything", "@modelcontextprotocol/server-everything", "stdio");

        await NextListChangedAsync(quietStream, "the GET-only session");
        await NextListChangedAsync(listen, "the listen stream");
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref listChanged) > 0), "the listing session heard list_changed");

        var tools = (await user.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("echo", tools);
        Assert.Contains("everything__echo", tools);
        Assert.DoesNotContain("toolhost__echo", tools);
        // "echo" is still the tool host's (it answers the message as is; server-everything's says "Echo: …").
        Assert.Equal("after", Text(await user.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "after" })));
        Assert.Contains("after", Text(await user.CallToolAsync("everything__echo", new Dictionary<string, object?> { ["message"] = "after" })), StringComparison.Ordinal);

        var collisions = (await topology.Gateway.StatsAsync()).GetProperty("nameCollisions").EnumerateArray().ToList();
        Assert.Contains(collisions, c => c.GetProperty("kind").GetString() == "tool" && c.GetProperty("server").GetString() == "everything"
            && c.GetProperty("name").GetString() == "echo" && c.GetProperty("exposedAs").GetString() == "everything__echo"
            && c.GetProperty("takenBy").GetString() == "toolhost");
        Assert.Contains("Name collision: tool echo of everything is exposed as everything__echo (toolhost has the name)", topology.GatewayLogs.Text, StringComparison.Ordinal);
    }

    private static async Task NextListChangedAsync(SseStream stream, string who)
    {
        while (true)
        {
            var message = await stream.NextMessageAsync($"tools/list_changed on {who}");
            using var json = JsonDocument.Parse(message.Data);
            if (json.RootElement.TryGetProperty("method", out var method) && method.GetString() == NotificationMethods.ToolListChangedNotification)
            {
                return;
            }
        }
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
