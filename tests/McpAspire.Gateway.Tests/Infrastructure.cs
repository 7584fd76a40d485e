using System.Net.Http.Json;
using System.Text.Json;
using McpAspire.Gateway;
using McpAspire.TestSupport;
using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Gateway.Tests;

/// <summary>A web app (tool host or gateway) on real Kestrel at a loopback port.</summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private RunningApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public Uri McpUri => new(BaseAddress, "/mcp");

    public HttpClient Http { get; }

    public static Task<RunningApp> ToolHostAsync(int port = 0, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null) =>
        StartAsync(ToolHostApp.Build(["--urls", $"http://127.0.0.1:{port}"], b =>
        {
            Configure(b, settings);
            configure?.Invoke(b);
        }));

    public static Task<RunningApp> GatewayAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        // Tests that do not configure Gateway:Auth run the gateway in its local anonymous mode.
        if (!settings.Keys.Any(k => k.StartsWith("Gateway:Auth:", StringComparison.Ordinal)))
        {
            settings = new Dictionary<string, string?>(settings) { ["Gateway:Auth:AllowAnonymous"] = "true" };
        }
        return StartAsync(GatewayApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            Configure(b, settings);
            configure?.Invoke(b);
        }));
    }

    private static void Configure(WebApplicationBuilder builder, IDictionary<string, string?>? settings)
    {
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
    }

    private static async Task<RunningApp> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningApp(app, new Uri(address + "/"));
    }

    /// <summary>The gateway's /stats document.</summary>
    public async Task<JsonElement> StatsAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri("stats", UriKind.Relative)));
        return doc.RootElement.Clone();
    }

    /// <summary>Status of one downstream in /stats.</summary>
    public async Task<string?> DownstreamStatusAsync(string server) =>
        (await StatsAsync()).GetProperty("servers").EnumerateArray().FirstOrDefault(s => s.GetProperty("name").GetString() == server) is { ValueKind: JsonValueKind.Object } s
            ? s.GetProperty("status").GetString()
            : null;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}

internal static class Downstreams
{
    /// <summary>Settings for a stdio downstream running an npm MCP server with Node 22.</summary>
    public static Dictionary<string, string?> Stdio(string name, string package, params string[] extraArgs)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Gateway:Servers:{name}:Command"] = NodePeers.NodeExecutable,
            [$"Gateway:Servers:{name}:Args:0"] = NodePeers.PackageFile(package, "dist/index.js"),
            [$"Gateway:Servers:{name}:ReconnectDelay"] = "00:00:00.200",
            [$"Gateway:Servers:{name}:MaxReconnectDelay"] = "00:00:01",
        };
        for (var i = 0; i < extraArgs.Length; i++)
        {
            settings[$"Gateway:Servers:{name}:Args:{i + 1}"] = extraArgs[i];
        }
        return settings;
    }

    /// <summary>Settings for an HTTP downstream.</summary>
    public static Dictionary<string, string?> Http(string name, Uri url) => new()
    {
        [$"Gateway:Servers:{name}:Url"] = url.ToString(),
        [$"Gateway:Servers:{name}:ReconnectDelay"] = "00:00:00.200",
        [$"Gateway:Servers:{name}:MaxReconnectDelay"] = "00:00:01",
        [$"Gateway:Servers:{name}:HealthCheckInterval"] = "00:00:00.500",
    };

    public static Dictionary<string, string?> Merge(params IDictionary<string, string?>[] parts)
    {
        var all = new Dictionary<string, string?>();
        foreach (var part in parts)
        {
            foreach (var (k, v) in part)
            {
                all[k] = v;
            }
        }
        return all;
    }
}
