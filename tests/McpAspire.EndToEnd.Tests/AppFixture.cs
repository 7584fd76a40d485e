using System.Net.Http;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The whole app, started ONCE per test collection (<see cref="AppCollection"/>) from the real AppHost through
/// Aspire.Hosting.Testing: DCP, redis-server (else Garnet), the state service, the tool host, two gateway replicas behind
/// DCP's proxy and the real Aspire dashboard, all on free loopback ports. Starting takes 7–12 s and stopping ~13 s here,
/// so tests share it: add a test class to the collection with <c>[Collection(AppCollection.Name)]</c> and take this
/// fixture in the constructor. Tests must leave the app as they found it (a killed replica is restarted by the AppHost).
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    /// <summary>The resources of the topology (the gateway has two replicas).</summary>
    public static readonly string[] Resources = ["redis", "statesvc", "toolhost", "gateway"];

    private static readonly TimeSpan s_start = TimeSpan.FromMinutes(3);

    /// <summary>The running app.</summary>
    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The gateway's front URL (DCP's proxy over both replicas), e.g. <c>http://localhost:PORT/</c>.</summary>
    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>The gateway's MCP endpoint: <see cref="GatewayUrl"/> + <c>/mcp</c>.</summary>
    public Uri GatewayMcpUrl => new(GatewayUrl, "/mcp");

    /// <summary>An HttpClient with <see cref="GatewayUrl"/> as base address (30 s timeout).</summary>
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The Aspire dashboard's URL.</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    /// <summary>The dashboard's browser token (<c>/login?t=…</c>).</summary>
    public string DashboardToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(s_start);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.McpAspire_AppHost>(
        [
            $"--Gateway:Port={FreePort.Next()}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{FreePort.Next()}",
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        ], (options, _) =>
        {
            options.DisableDashboard = false;
            options.AllowUnsecuredTransport = true;
        }, cts.Token);
        App = await builder.BuildAsync(cts.Token);
        await App.StartAsync(cts.Token);
        foreach (var name in Resources)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
        }
        GatewayUrl = App.GetEndpoint("gateway", "http");

        Gateway = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        // The testing builder randomises the dashboard's port too: ask its (hidden) resource.
        DashboardUrl = App.GetEndpoint("aspire-dashboard", "http");
        // The token the AppHost generated and handed to its dashboard (what `dotnet run` prints in the login URL).
        var dashboard = (await ReplicasAsync("aspire-dashboard")).Values.Single();
        var pid = Convert.ToInt32(dashboard.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        DashboardToken = ProcessTable.Environment(pid)["DASHBOARD__FRONTEND__BROWSERTOKEN"];
        // Healthy means /health answers; the gateway's catalog fills once its downstream connection to the tool host is up.
        await Eventually.HoldsAsync(async () => (await Gateway.GetStringAsync(new Uri("/stats", UriKind.Relative))).Contains("\"status\":\"connected\"", StringComparison.Ordinal),
            "the gateway connected to the tool host", 60);
    }

    /// <summary>The value of a parameter resource (the service key, the Redis password).</summary>
    public async Task<string> ParameterValueAsync(string name)
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name);
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException($"Parameter {name} has no value.");
    }

    /// <summary>The current state of every replica of <paramref name="resource"/>, by DCP's name (e.g. <c>gateway-abcd1234</c>).</summary>
    public async Task<IReadOnlyDictionary<string, CustomResourceSnapshot>> ReplicasAsync(string resource)
    {
        // WatchAsync replays the current state of every resource first.
        var replicas = new Dictionary<string, CustomResourceSnapshot>(StringComparer.Ordinal);
        using var replay = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var update in App.ResourceNotifications.WatchAsync(replay.Token))
            {
                if (update.Resource.Name == resource)
                {
                    replicas[update.ResourceId] = update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Replay done.
        }
        return replicas;
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>The collection sharing one running app (<see cref="AppFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "running app";
}
