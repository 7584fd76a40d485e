using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>The C# SDK client against a tool host, with helpers that return a tool's structured result or its error text.</summary>
internal sealed class AgentClient : IAsyncDisposable
{
    private AgentClient(McpClient client) => Client = client;

    public McpClient Client { get; }

    public static async Task<AgentClient> ConnectAsync(ToolHostServer server, string? protocolVersion = null, CancellationToken cancellationToken = default) =>
        new(await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.McpUri, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken: cancellationToken));

    /// <summary>Calls a tool that must succeed; returns its structured content.</summary>
    public async Task<JsonElement> CallAsync(string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var result = await Client.CallToolAsync(tool, ToArgs(arguments), cancellationToken: cancellationToken);
        if (result.IsError == true)
        {
            Assert.Fail($"{tool} failed: {Text(result)}");
        }
        Assert.NotNull(result.StructuredContent);
        return JsonSerializer.SerializeToElement(result.StructuredContent);
    }

    /// <summary>Calls a tool that must fail as a tool error (isError); returns the error text.</summary>
    public async Task<string> CallErrorAsync(string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var result = await Client.CallToolAsync(tool, ToArgs(arguments), cancellationToken: cancellationToken);
        Assert.True(result.IsError == true, $"{tool} should have failed but returned {Text(result)}");
        return Text(result);
    }

    public async Task<string> RegisterAsync(string id, string[] capabilities, int heartbeat = 30, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("agents_register", new { id, name = "Agent " + id, capabilities, heartbeatIntervalSeconds = heartbeat }, cancellationToken);
        return result.GetProperty("agent").GetProperty("id").GetString()!;
    }

    public async Task<List<JsonElement>> ReceiveAsync(string agentId, int max = 100, int wait = 0, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("messages_receive", new { agentId, maxMessages = max, waitSeconds = wait }, cancellationToken);
        return [.. result.GetProperty("messages").EnumerateArray()];
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();

    private static Dictionary<string, object?>? ToArgs(object? arguments) =>
        arguments is null ? null : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments));

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
