using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.TestSupport;

/// <summary>A real Kestrel app on a free loopback port, for tests that need a live HTTP peer.</summary>
public sealed class KestrelApp : IAsyncDisposable
{
    private bool _disposed;

    private KestrelApp(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public static async Task<KestrelApp> StartAsync(
        Action<WebApplicationBuilder>? configureBuilder,
        Action<WebApplication> configureApp,
        IDictionary<string, string?>? settings = null,
        string applicationName = "testapp")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = applicationName });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
