using McpAspire.StateService.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.StateService.Tests;

/// <summary>The real state service on a free loopback port, against a real Redis, plus a typed client for it.</summary>
internal sealed class StateServiceHost : IAsyncDisposable
{
    private StateServiceHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client = new StateServiceClient(Http);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public StateServiceClient Client { get; }

    public static async Task<StateServiceHost> StartAsync(string redisConnectionString, IDictionary<string, string?>? settings = null, bool waitHealthy = true, ILoggerProvider? logs = null)
    {
        var app = StateServiceApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
            }
            var config = new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = redisConnectionString + ",abortConnect=false,connectTimeout=2000",
                ["State:SweepInterval"] = "00:10:00", // tests sweep on demand
            };
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            {
                config[k] = v;
            }
            builder.Configuration.AddInMemoryCollection(config);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new StateServiceHost(app, new Uri(address + "/"));
        if (waitHealthy)
        {
            await host.WaitHealthyAsync();
        }
        return host;
    }

    /// <summary>Waits until <c>/health</c> is 200 (Redis reachable, change feed subscribed).</summary>
    public async Task WaitHealthyAsync()
    {
        var last = "";
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                using var response = await Http.GetAsync(new Uri("health", UriKind.Relative));
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode;
            }, $"{Address} was healthy");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{ex.Message} Last /health: {last}", ex);
        }
    }

    /// <summary>Waits until this replica has at least <paramref name="count"/> open <c>/events</c> streams.</summary>
    public Task WaitForSubscribersAsync(long count) =>
        Eventually.HoldsAsync(async () => (await Client.GetStatsAsync()).EventSubscribers >= count, $"{count} subscriber(s) were registered");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
