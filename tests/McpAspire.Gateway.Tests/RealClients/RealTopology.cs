using System.Text.Json;
using McpAspire.StateService;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McpAspire.Gateway.Tests.RealClients;

/// <summary>
/// The shipped topology without the AppHost: a real redis-server, the state service, the tool host with Redis and
/// its default profile (so every agent tool, prompt and resource is there), and the gateway with sessions in the
/// state service and a servers file it reloads. Tests talk to <see cref="GatewayMcpUri"/> only, as a user would.
/// </summary>
public sealed class RealTopology : IAsyncDisposable
{
    private RedisServerProcess _redis = null!;
    private WebApplication _state = null!;
    private DirectoryInfo _dir = null!;

    private RealTopology()
    {
    }

    internal RunningApp ToolHost { get; private set; } = null!;

    internal RunningApp Gateway { get; private set; } = null!;

    /// <summary>What the gateway logged (warnings and up).</summary>
    public CapturingLoggerProvider GatewayLogs { get; } = new();

    /// <summary>The gateway's MCP endpoint.</summary>
    public Uri GatewayMcpUri => Gateway.McpUri;

    /// <summary>The gateway's servers file (mcpServers format), initially empty.</summary>
    public string ServersFile { get; private set; } = null!;

    public static async Task<RealTopology> StartAsync()
    {
        var topology = new RealTopology();
        await topology.InitializeAsync();
        return topology;
    }

    private async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        var redis = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _redis.ConnectionString };
        var statePort = FreePort.Next();
        _state = StateServiceApp.Build([], b =>
        {
            b.WebHost.UseUrls($"http://127.0.0.1:{statePort}");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(redis);
        });
        await _state.StartAsync();
        ToolHost = await RunningApp.ToolHostAsync(settings: redis);

        _dir = Directory.CreateTempSubdirectory("mcpaspire-real-");
        ServersFile = Path.Combine(_dir.FullName, "mcp-servers.json");
        await File.WriteAllTextAsync(ServersFile, "{ \"mcpServers\": {} }");
        var settings = Downstreams.Merge(Downstreams.Http("toolhost", ToolHost.McpUri), redis, new Dictionary<string, string?>
        {
            ["services:statesvc:http:0"] = $"http://127.0.0.1:{statePort}",
            ["Gateway:ServersFile"] = ServersFile,
        });
        Gateway = await RunningApp.GatewayAsync(settings, b => b.Logging.AddProvider(GatewayLogs));
        await Eventually.HoldsAsync(async () => await Gateway.DownstreamStatusAsync("toolhost") == "connected", "toolhost connected", 60);
    }

    /// <summary>Adds a stdio downstream running an npm MCP server to the servers file and waits until it is connected.</summary>
    public async Task AddStdioServerAsync(string name, string package, params string[] args)
    {
        var command = JsonSerializer.Serialize(NodePeers.NodeExecutable);
        var all = JsonSerializer.Serialize(new[] { NodePeers.PackageFile(package, "dist/index.js") }.Concat(args));
        await File.WriteAllTextAsync(ServersFile, $$"""{ "mcpServers": { "{{name}}": { "command": {{command}}, "args": {{all}} } } }""");
        await Eventually.HoldsAsync(async () => await Gateway.DownstreamStatusAsync(name) == "connected", $"{name} connected", 60);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
        if (ToolHost is not null)
        {
            await ToolHost.DisposeAsync();
        }
        if (_state is not null)
        {
            await _state.StopAsync();
            await _state.DisposeAsync();
        }
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        _dir?.Delete(recursive: true);
        GatewayLogs.Dispose();
    }
}

/// <summary>One <see cref="RealTopology"/> shared by a test class.</summary>
public sealed class RealTopologyFixture : IAsyncLifetime
{
    public RealTopology Topology { get; private set; } = null!;

    public async Task InitializeAsync() => Topology = await RealTopology.StartAsync();

    public async Task DisposeAsync() => await Topology.DisposeAsync();
}
