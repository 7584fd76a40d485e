using ModelContextProtocol.Client;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// The gateway in front of three real downstreams: the tool host over Streamable HTTP, and the npm
/// server-everything and server-memory over stdio (Node 22). Shared by a test class; waits until all three connect.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    internal RunningApp ToolHost { get; private set; } = null!;

    internal RunningApp Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ToolHost = await RunningApp.ToolHostAsync();
        Gateway = await RunningApp.GatewayAsync(Downstreams.Merge(
            Downstreams.Http("toolhost", ToolHost.McpUri),
            Downstreams.Stdio("everything", "@modelcontextprotocol/server-everything", "stdio"),
            Downstreams.Stdio("memory", "@modelcontextprotocol/server-memory")));
        foreach (var server in new[] { "toolhost", "everything", "memory" })
        {
            await Eventually.HoldsAsync(async () => await Gateway.DownstreamStatusAsync(server) == "connected", $"{server} connected", 60);
        }
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await ToolHost.DisposeAsync();
    }

    /// <summary>A C# SDK client of the gateway; <paramref name="protocolVersion"/> null = the SDK default (2026-07-28).</summary>
    public Task<McpClient> ConnectAsync(string? protocolVersion) => ConnectAsync(Gateway.McpUri, protocolVersion);

    public static async Task<McpClient> ConnectAsync(Uri endpoint, string? protocolVersion, McpClientOptions? options = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp });
        options ??= new McpClientOptions();
        options.ProtocolVersion = protocolVersion;
        return await McpClient.CreateAsync(transport, options);
    }
}
