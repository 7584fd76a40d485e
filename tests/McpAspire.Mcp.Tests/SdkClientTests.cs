using McpAspire.Mcp.Tests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Tests;

/// <summary>The C# SDK client (ModelContextProtocol 2.3.1) against the endpoint in each era and over legacy SSE.</summary>
public sealed class SdkClientTests
{
    private static async Task<McpClient> ConnectAsync(Uri endpoint, string? protocolVersion, HttpTransportMode mode = HttpTransportMode.StreamableHttp)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = mode });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken: cts.Token);
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    [Fact]
    public async Task Default_client_speaks_2026_statelessly_and_calls_echo()
    {
        await using var server = await McpTestServer.StartAsync();
        await using var client = await ConnectAsync(server.McpUri, protocolVersion: null);

        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Null(client.SessionId);
        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "echo");
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "stateless hello" });
        Assert.Equal("stateless hello", Text(result));
        Assert.Equal(0, server.Service<McpAspire.Mcp.Sessions.IMcpSessionStore>() is McpAspire.Mcp.Sessions.InMemoryMcpSessionStore s ? s.Count : -1);
    }

    [Fact]
    public async Task Client_pinned_to_2025_11_25_gets_a_session_and_progress()
    {
        await using var server = await McpTestServer.StartAsync();
        await using var client = await ConnectAsync(server.McpUri, "2025-11-25");

        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        Assert.False(string.IsNullOrEmpty(client.SessionId));
        var store = Assert.IsType<McpAspire.Mcp.Sessions.InMemoryMcpSessionStore>(server.Service<McpAspire.Mcp.Sessions.IMcpSessionStore>());
        Assert.Equal(1, store.Count);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "session hello" });
        Assert.Equal("session hello", Text(result));

        // The client dispatches notifications concurrently with the result, and CallToolAsync's IProgress is
        // unregistered when the result lands, so it can miss them (an SDK 2.3.1 client race); a session-wide
        // notification handler sees every one the server wrote before the result.
        var progress = new List<double>();
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = client.RegisterNotificationHandler("notifications/progress", (notification, _) =>
        {
            lock (progress)
            {
                progress.Add(notification.Params!["progress"]!.GetValue<double>());
                if (progress.Count == 2)
                {
                    both.TrySetResult();
                }
            }
            return default;
        });
        var done = await client.CallToolAsync("progress", new Dictionary<string, object?>(), new Progress<ProgressNotificationValue>());
        Assert.Equal("done", Text(done));
        await both.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1d, 2d], progress.Order().ToArray());
    }

    [Fact]
    public async Task Legacy_sse_client_calls_echo()
    {
        await using var server = await McpTestServer.StartAsync();
        await using var client = await ConnectAsync(new Uri(server.BaseAddress, "/sse"), "2024-11-05", HttpTransportMode.Sse);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "legacy hello" });
        Assert.Equal("legacy hello", Text(result));
    }
}
