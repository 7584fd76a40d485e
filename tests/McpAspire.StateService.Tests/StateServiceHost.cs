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

    public static async Task<StateServiceHost> StartAsync(string redisConnectionString, IDictionary<string, string?>? settings = null)
    {
        var app = StateServiceApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
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
        return new StateServiceHost(app, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
