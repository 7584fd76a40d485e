using System.ComponentModel;
using System.Security.Claims;
using McpAspire.StateService;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Tests.SharedSessions;

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

/// <summary>Test-only authentication: <c>X-Test-User: alice</c> makes the caller the authenticated user alice.</summary>
internal sealed class TestUserStartupFilter : IStartupFilter
{
    public const string Header = "X-Test-User";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            var user = context.Request.Headers[Header].ToString();
            if (user.Length > 0)
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "test"));
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>
/// The real state service (in-process, on a fixed free port so it can be stopped and started again) over a real
/// redis-server, and tool host replicas in shared-session mode (<c>ToolHost:SessionStore=state</c>) on their own ports.
/// </summary>
internal sealed class SharedSessionCluster : IAsyncDisposable
{
    private readonly List<WebApplication> _replicas = [];
    private WebApplication? _state;

    private SharedSessionCluster(string redis, int statePort)
    {
        Redis = redis;
        StatePort = statePort;
    }

    public string Redis { get; }

    public int StatePort { get; }

    public Uri StateAddress => new($"http://127.0.0.1:{StatePort}/");

    public static async Task<SharedSessionCluster> StartAsync(string redisConnectionString)
    {
        var cluster = new SharedSessionCluster(redisConnectionString, FreePort.Next());
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
                ["ConnectionStrings:redis"] = Redis + ",abortConnect=false,connectTimeout=2000",
                ["State:SweepInterval"] = "00:00:01",
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

    /// <summary>The settings a replica needs, as configuration keys (<c>:</c>) or environment variables (<c>__</c>).</summary>
    public Dictionary<string, string> Settings(TimeSpan? idleTimeout = null, string separator = ":") => new()
    {
        [$"ToolHost{separator}SessionStore"] = "state",
        [$"SessionSharing{separator}StateBaseAddress"] = StateAddress.ToString(),
        [$"SessionSharing{separator}RequestTimeout"] = "00:00:03",
        [$"SessionSharing{separator}IdleTimeout"] = (idleTimeout ?? TimeSpan.FromMinutes(10)).ToString("c"),
        [$"ConnectionStrings{separator}redis"] = Redis,
    };

    /// <summary>Starts a tool host replica in shared-session mode with the test-only announce tool and test users.</summary>
    public async Task<Replica> StartReplicaAsync(TimeSpan? idleTimeout = null)
    {
        var builder = ToolHostApp.CreateBuilder(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(Settings(idleTimeout).ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
        });
        builder.Services.AddMcpServer().WithTools<AnnounceTool>();
        builder.Services.AddSingleton<IStartupFilter, TestUserStartupFilter>();
        var app = ToolHostApp.Build(builder);
        await app.StartAsync();
        _replicas.Add(app);
        return new Replica(app, new Uri(app.Urls.First().TrimEnd('/') + "/mcp"));
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
