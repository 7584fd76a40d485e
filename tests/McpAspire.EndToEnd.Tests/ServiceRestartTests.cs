using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.EndToEnd.Tests;

/// <summary>
/// The tool host and the state service killed with SIGKILL are restarted by the AppHost (<c>WithRestartOnCrash</c>):
/// healthy again under a new process, and a 2025-era session opened before the kill goes on through the gateway's
/// front (its record lives in Redis, the gateway reconnects to the tool host).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ServiceRestartTests
{
    private readonly AppFixture _fixture;

    public ServiceRestartTests(AppFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [InlineData("toolhost", "/McpAspire.ToolHost")]
    [InlineData("statesvc", "/McpAspire.StateService")]
    public async Task A_service_killed_with_sigkill_is_restarted_and_a_session_opened_before_goes_on(string resource, string executable)
    {
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _fixture.GatewayMcpUrl,
            TransportMode = HttpTransportMode.StreamableHttp,
        }), new McpClientOptions { ProtocolVersion = "2025-11-25" });
        Assert.Equal("before", await EchoAsync(client, "before"));

        var (replica, before) = (await _fixture.ReplicasAsync(resource)).Single();
        var launcher = LauncherPid(before);
        var server = ProcessTable.Descendants(launcher).Prepend(launcher).First(p => ProcessTable.CommandLine(p).Split(' ')[0].EndsWith(executable, StringComparison.Ordinal));
        using var restarted = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var waiting = WaitForReplicaAsync(replica, e => e.State?.Text == KnownResourceStates.Running && e.HealthStatus == HealthStatus.Healthy
            && e.Properties.Any(p => p.Name == "executable.pid") && LauncherPid(e) != launcher, restarted.Token);
        Process.GetProcessById(server).Kill(entireProcessTree: false); // SIGKILL on Unix
        await waiting;
        Assert.False(ProcessTable.IsAlive(server));

        // The gateway reconnects to a restarted tool host within its 2 s back-off cap; the session itself never left Redis.
        await Eventually.HoldsAsync(async () => (await _fixture.Gateway.GetStringAsync(new Uri("/stats", UriKind.Relative))).Contains("\"status\":\"connected\"", StringComparison.Ordinal),
            "the gateway is connected to the tool host again", 60);
        string? after = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                after = await EchoAsync(client, "after");
                return true;
            }
            catch (Exception ex) when (ex is ModelContextProtocol.McpException or HttpRequestException)
            {
                return false;
            }
        }, "the session opened before the kill answers", 30);
        Assert.Equal("after", after);
    }

    private static async Task<string> EchoAsync(McpClient client, string message)
    {
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message });
        return string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
    }

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
}
