using McpAspire.Mcp.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Mcp.Tests.Infrastructure;

/// <summary>A real Kestrel app on 127.0.0.1:0 serving <c>MapMcp("/mcp")</c> with the test tools.</summary>
internal sealed class McpTestServer : IAsyncDisposable
{
    private McpTestServer(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public Uri McpUri => new(BaseAddress, "/mcp");

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<McpTestServer> StartAsync(Action<McpEndpointOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "mcp-tests" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.Services.AddSingleton<TestGate>();
        builder.Services.AddMcpEndpoint(o =>
        {
            o.MaxRequestBodyBytes = 64 * 1024;
            configure?.Invoke(o);
        }).WithTools<TestTools>();
        var app = builder.Build();
        app.MapMcpEndpoint("/mcp");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new McpTestServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}
