using System.Net;
using McpAspire.Dashboard;
using McpAspire.Dashboard.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Dashboard.Tests.Infrastructure;

/// <summary>The real dashboard app on a free loopback port (Kestrel), built exactly as Program builds it.</summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private DashboardServer(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public string Token => App.Services.GetRequiredService<BrowserToken>().Value;

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<DashboardServer> StartAsync(IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        var all = new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }
        var builder = DashboardWebApplication.CreateBuilder([], all);
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        var app = DashboardWebApplication.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, new Uri(address));
    }

    /// <summary>An HTTP client for the dashboard; logged in with the browser token unless <paramref name="login"/> is false.</summary>
    public async Task<HttpClient> CreateClientAsync(bool login = true)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (login)
        {
            using var response = await client.GetAsync(new Uri($"/login?t={Token}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
