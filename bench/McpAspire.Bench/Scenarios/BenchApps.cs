using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.Bench.Scenarios;

/// <summary>What the in-process scenarios need of the apps they host: where one listens, when a gateway is ready.</summary>
public static class BenchApps
{
    /// <summary>The app's first listening address, with a trailing slash (so relative URIs append to it).</summary>
    public static Uri BaseAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    /// <summary>Waits (up to 30 s) until the gateway's <c>/stats</c> shows a connected downstream.</summary>
    public static async Task WaitForConnectedDownstreamAsync(HttpClient http, Uri gateway, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await http.GetStringAsync(new Uri(gateway, "stats"), ct).ConfigureAwait(false)).Contains("\"status\":\"connected\"", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The gateway did not connect to the tool host.");
            }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }
}
