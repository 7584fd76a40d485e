using System.ComponentModel;
using System.Globalization;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Bench.Scenarios.GatewayScale;

/// <summary>
/// Many cheap HTTP MCP servers in one in-process Kestrel (ModelContextProtocol.AspNetCore): server <c>i</c> is
/// <c>/s/{i}</c>, with <see cref="ToolsPerServer"/> tools named <c>s{i}_t{j}</c> (one string argument, a sentence of
/// description), from its own tool collection. Adding a tool to a collection makes the SDK send
/// <c>notifications/tools/list_changed</c> on every session of that server (the gateway's among them).
/// </summary>
public sealed class ToolServers : IAsyncDisposable
{
    /// <summary>Tools each server has at start.</summary>
    public const int ToolsPerServer = 50;

    private readonly WebApplication _app;
    private readonly McpServerPrimitiveCollection<McpServerTool>[] _tools;
    private int _added;

    private ToolServers(WebApplication app, McpServerPrimitiveCollection<McpServerTool>[] tools, Uri baseAddress)
    {
        _app = app;
        _tools = tools;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>How many servers there are.</summary>
    public int Count => _tools.Length;

    /// <summary>Server <paramref name="index"/>'s MCP endpoint.</summary>
    public Uri Endpoint(int index) => new(BaseAddress, $"s/{index.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Starts <paramref name="count"/> servers on one loopback port.</summary>
    public static async Task<ToolServers> StartAsync(int count, CancellationToken cancellationToken)
    {
        var tools = new McpServerPrimitiveCollection<McpServerTool>[count];
        for (var i = 0; i < count; i++)
        {
            tools[i] = [];
            for (var j = 0; j < ToolsPerServer; j++)
            {
                tools[i].Add(Tool($"s{i}_t{j}"));
            }
        }
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
#pragma warning disable MCP9006 // stateful sessions: the gateway holds a 2025-11-25 session with each server and hears list_changed on it
        builder.Services.AddMcpServer(o => o.Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = true } })
            .WithHttpTransport(o =>
            {
                o.SessionMode = ModelContextProtocol.AspNetCore.HttpServerSessionMode.StatefulForInitializeClients;
                o.ConfigureSessionOptions = (context, options, _) =>
                {
                    options.ToolCollection = tools[ServerIndex(context)];
                    return Task.CompletedTask;
                };
            });
#pragma warning restore MCP9006
        var app = builder.Build();
        app.MapMcp("/s/{server:int}");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ToolServers(app, tools, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Adds one tool to server <paramref name="index"/> (its sessions are told the list changed); returns its name.</summary>
    public string AddTool(int index)
    {
        var name = $"s{index}_added{Interlocked.Increment(ref _added)}";
        _tools[index].Add(Tool(name));
        return name;
    }

    private static int ServerIndex(HttpContext context) =>
        Convert.ToInt32(context.Request.RouteValues["server"], CultureInfo.InvariantCulture);

    private static McpServerTool Tool(string name) => McpServerTool.Create(
        ([Description("The text to give back.")] string text) => text,
        new McpServerToolCreateOptions { Name = name, Description = $"Gives back the text it was given ({name}, a bench tool that stands for a typical one-argument tool)." });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
