using McpAspire.ToolHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.ToolHost.Tests;

/// <summary>The tool host in-process on real Kestrel at 127.0.0.1:0 (real HTTP and SSE, no in-memory test server).</summary>
internal sealed class ToolHostServer : IAsyncDisposable
{
    private ToolHostServer(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public Uri McpUri => new(BaseAddress, "/mcp");

    /// <summary>Starts the tool host; its logs go to <paramref name="logs"/> when given, else nowhere.</summary>
    public static async Task<ToolHostServer> StartAsync(IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        var app = ToolHostApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A start refused by options validation must not leave the app's services (Redis connections) behind.
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ToolHostServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}
