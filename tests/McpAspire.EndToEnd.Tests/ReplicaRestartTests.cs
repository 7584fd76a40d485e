using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.EndToEnd.Tests;

/// <summary>A gateway replica killed with SIGKILL is restarted by the AppHost while calls through the front port go on.</summary>
[Collection(AppCollection.Name)]
public sealed class ReplicaRestartTests
{
    private readonly AppFixture _fixture;

    public ReplicaRestartTests(AppFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task A_gateway_replica_killed_with_sigkill_is_restarted_and_calls_through_the_front_port_go_on()
    {
        var (replica, before) = (await _fixture.ReplicasAsync("gateway")).First();
        var launcher = LauncherPid(before);
        var server = GatewayServerPid(before);
        Process.GetProcessById(server).Kill(entireProcessTree: false); // SIGKILL on Unix

        // Every call through the front port (each on a fresh connection) is answered, at worst on a second try while
        // DCP's proxy still offers the dead replica.
        using var restarted = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var waiting = WaitForReplicaAsync(replica, e =>
            e.State?.Text == KnownResourceStates.Running && e.HealthStatus == HealthStatus.Healthy
            && e.Properties.Any(p => p.Name == "executable.pid") && LauncherPid(e) != launcher, restarted.Token);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in _fixture.App.ResourceNotifications.WatchAsync(restarted.Token))
                {
                    if (e.ResourceId == replica)
                    {
                        seen.Enqueue($"{e.Snapshot.State?.Text}/{e.Snapshot.HealthStatus}/{e.Snapshot.ExitCode}/pid={string.Join(",", e.Snapshot.Properties.Where(p => p.Name.EndsWith("pid", StringComparison.Ordinal)).Select(p => p.Value))}");
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var calls = 0;
        while (!waiting.IsCompleted || calls < 10)
        {
            await CallEchoAsync($"during restart {calls++}");
            Assert.False(restarted.IsCancellationRequested, $"the killed replica was not restarted (launcher {launcher}): " + string.Join(" | ", seen));
        }
        var after = await waiting;
        // Healthy can be reported from the health check's last result a moment before the new process is listed: look again.
        var restartedServer = 0;
        await Eventually.HoldsAsync(() => Task.FromResult(TryGatewayServerPid(after, out restartedServer)), "the restarted replica's gateway process is up", 60);
        Assert.NotEqual(server, restartedServer);
        Assert.Equal(2, (await _fixture.ReplicasAsync("gateway")).Count);
        for (var i = 0; i < 10; i++)
        {
            await CallEchoAsync($"after restart {i}");
        }
    }

    private async Task CallEchoAsync(string message)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
                {
                    Endpoint = _fixture.GatewayMcpUrl,
                    TransportMode = HttpTransportMode.StreamableHttp,
                }));
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message });
                Assert.Equal(message, string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
                return;
            }
            catch (Exception ex) when (attempt < 2 && ex is HttpRequestException or IOException or ModelContextProtocol.McpException)
            {
                // The connection landed on the dead replica: one more try.
            }
        }
    }

    /// <summary>The gateway server process of a replica: DCP runs the project through <c>dotnet run</c>, whose child it is.</summary>
    /// <summary>The first state of one replica (by DCP's id; <c>WaitForResourceAsync</c> matches resource names) that satisfies the predicate.</summary>
    private async Task<CustomResourceSnapshot> WaitForReplicaAsync(string replica, Func<CustomResourceSnapshot, bool> predicate, CancellationToken cancellationToken)
    {
        await foreach (var e in _fixture.App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (e.ResourceId == replica && predicate(e.Snapshot))
            {
                return e.Snapshot;
            }
        }
        throw new OperationCanceledException(cancellationToken);
    }

    private static int LauncherPid(CustomResourceSnapshot snapshot) =>
        Convert.ToInt32(snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture);

    private static int GatewayServerPid(CustomResourceSnapshot snapshot) =>
        TryGatewayServerPid(snapshot, out var pid) ? pid : throw new InvalidOperationException($"No gateway process under launcher {LauncherPid(snapshot)}.");

    private static bool TryGatewayServerPid(CustomResourceSnapshot snapshot, out int pid)
    {
        var launcher = LauncherPid(snapshot);
        pid = ProcessTable.Descendants(launcher).Prepend(launcher)
            .FirstOrDefault(p => ProcessTable.CommandLine(p).EndsWith("/McpAspire.Gateway", StringComparison.Ordinal));
        return pid != 0;
    }
}
