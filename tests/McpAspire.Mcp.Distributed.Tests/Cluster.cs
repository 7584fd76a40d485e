using System.ComponentModel;
using McpAspire.Mcp.Hosting;
using McpAspire.StateService;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>Test-only tool: adding a tool makes the session's server announce tools/list_changed, an unsolicited (GET stream) message.</summary>
[McpServerToolType]
public sealed class AnnounceTool
{
    [McpServerTool(Name = "announce")]
    [Description("Adds a tool with the given name, so the server sends notifications/tools/list_changed.")]
    public static string Announce(McpServer server, string name)
    {
        server.ServerOptions.ToolCollection!.Add(McpServerTool.Create(() => name, new McpServerToolCreateOptions { Name = name }));
        return "added " + name;
    }
}

/// <summary>Test-only echo tool, the call every replica serves.</summary>
[McpServerToolType]
public sealed class EchoTool
{
    [McpServerTool(Name = "echo")]
    [Description("Returns the message.")]
    public static string Echo(string message) => message;
}

/// <summary>
/// The real state service (in-process, on a fixed free port so it can be stopped and started again) over a real Redis,
/// and replicas of an McpAspire.Mcp endpoint (as the gateway hosts it) on their own ports with the state service stores
/// plugged in.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly string _redis;
    private readonly string? _serviceKey;
    private readonly List<WebApplication> _replicas = [];
    private WebApplication? _state;

    private Cluster(string redis, int statePort, string? serviceKey)
    {
        _redis = redis;
        StatePort = statePort;
        _serviceKey = serviceKey;
    }

    public int StatePort { get; }

    public Uri StateAddress => new($"http://127.0.0.1:{StatePort}/");

    /// <summary>Starts the state service; with <paramref name="serviceKey"/> it demands that key, as under the AppHost.</summary>
    public static async Task<Cluster> StartAsync(string redisConnectionString, string? serviceKey = null)
    {
        var cluster = new Cluster(redisConnectionString, FreePort.Next(), serviceKey);
        await cluster.StartStateServiceAsync();
        return cluster;
    }

    public async Task StartStateServiceAsync()
    {
        var app = StateServiceApp.Build([], builder =>
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{StatePort}");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = _redis + ",abortConnect=false,connectTimeout=2000",
                ["State:SweepInterval"] = "00:00:01",
                ["ServiceAuth:Key"] = _serviceKey,
            });
        });
        await app.StartAsync();
        _state = app;
        using var http = new HttpClient { BaseAddress = StateAddress };
        await Eventually.HoldsAsync(async () => (await http.GetAsync(new Uri("health", UriKind.Relative))).IsSuccessStatusCode, "the state service was healthy");
    }

    public async Task StopStateServiceAsync()
    {
        var app = _state ?? throw new InvalidOperationException("not running");
        _state = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(cts.Token);
        await app.DisposeAsync();
    }

    /// <summary>Starts an MCP endpoint replica with the state service stores; returns its MCP URI.</summary>
    /// <remarks>In a keyed cluster the replica finds the state service as <c>http://statesvc</c> through service discovery
    /// and presents <paramref name="serviceKey"/> (default: the cluster's key), as it would under the AppHost.</remarks>
    public async Task<Replica> StartReplicaAsync(TimeSpan? idleTimeout = null, string? serviceKey = null)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mcp:StateStore:BaseAddress"] = StateAddress.ToString(),
            ["Mcp:StateStore:RequestTimeout"] = "00:00:03",
            // Every request re-checks the record, so a DELETE or expiry elsewhere is seen at once.
            ["Mcp:Endpoint:SessionTouchInterval"] = "00:00:00",
            ["Mcp:Endpoint:SessionIdleTimeout"] = (idleTimeout ?? TimeSpan.FromMinutes(10)).ToString("c"),
        });
        if (_serviceKey is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mcp:StateStore:BaseAddress"] = "http://statesvc/",
                ["services:statesvc:http:0"] = StateAddress.ToString().TrimEnd('/'),
                ["ServiceAuth:Key"] = serviceKey ?? _serviceKey,
            });
        }
        builder.AddServiceDefaults();
        builder.Services.AddMcpEndpoint(configureServer: server =>
            {
                server.Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = true } };
                server.ServerInfo = new Implementation { Name = "distributed-test", Version = "1.0.0" };
            })
            .WithTools<EchoTool>()
            .WithTools<AnnounceTool>();
        builder.Services.AddStateServiceMcpStores();
        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<IOptions<McpEndpointOptions>>().Value;
        app.RequireServiceKey(o =>
        {
            o.JsonRpcPaths.Add("/mcp");
            o.JsonRpcPaths.Add(endpoint.LegacySsePath);
            o.JsonRpcPaths.Add(endpoint.LegacyMessagePath);
        });
        app.MapDefaultEndpoints();
        app.MapMcpEndpoint("/mcp");
        await app.StartAsync();
        _replicas.Add(app);
        var address = app.Urls.First();
        return new Replica(app, new Uri(address.TrimEnd('/') + "/mcp"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await replica.StopAsync(cts.Token);
                await replica.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // stopped by the test already
            }
        }
        if (_state is not null)
        {
            await StopStateServiceAsync();
        }
    }
}

internal sealed record Replica(WebApplication App, Uri McpUri)
{
    /// <summary>Stops at once: open streams are cut, nothing drains.</summary>
    public async Task KillAsync()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        try
        {
            await App.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await App.DisposeAsync();
    }
}

internal static class Eventually
{
    /// <summary>Polls until the condition holds or the deadline passes (then fails with the description).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string description, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeoutSeconds} s waiting until {description}.");
            }
            await Task.Delay(100);
        }
    }
}
