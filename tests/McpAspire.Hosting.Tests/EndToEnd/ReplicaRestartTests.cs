using System.Diagnostics;
using System.Net;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Testing;
using McpAspire.Hosting.Tests.Infrastructure;

namespace McpAspire.Hosting.Tests.EndToEnd;

[Collection(AppHostCollection.Name)]
public sealed class ReplicaRestartTests
{
    private readonly AppHostFixture _fixture;

    public ReplicaRestartTests(AppHostFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task A_killed_gateway_replica_is_restarted_while_the_front_port_keeps_serving()
    {
        var app = _fixture.App;
        var before = app.ResourceNotifications.GetSnapshot("gateway").Replicas[0];
        var pid = before.Pid!.Value;
        using (var victim = Process.GetProcessById(pid))
        {
            victim.Kill();
        }
        Assert.Empty(await ProcessTable.WaitForExitAsync([pid], TimeSpan.FromSeconds(10)));

        using var http = app.CreateHttpClient("gateway");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var requests = 0;
        var failures = new List<string>();
        var recovered = app.ResourceNotifications.WaitForResourceAsync("gateway",
            s => s.Replicas[0].Pid is { } p && p != pid && s.Replicas[0].Health == HealthStatus.Healthy, cts.Token);
        // Fresh connections the whole time the replica is down and restarting: every one must be answered.
        while (!recovered.IsCompleted)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await http.SendAsync(request, cts.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"status {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Add(ex.Message);
            }
            requests++;
            await Task.Delay(20, cts.Token);
        }
        var after = (await recovered).Replicas[0];
        Assert.True(requests > 5, $"only {requests} requests were made while the replica restarted");
        Assert.Empty(failures);
        Assert.True(after.Restarts >= 1);
        Assert.NotEqual(pid, after.Pid);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
    }
}
