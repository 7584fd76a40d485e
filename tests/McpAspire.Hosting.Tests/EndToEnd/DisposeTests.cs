using McpAspire.Hosting.Testing;
using McpAspire.Hosting.Tests.Infrastructure;

namespace McpAspire.Hosting.Tests.EndToEnd;

public sealed class DisposeTests
{
    [Fact]
    public async Task Disposing_the_testing_app_leaves_no_process_behind()
    {
        using var cts = new CancellationTokenSource(AppHostFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(cts.Token);
        var app = await builder.BuildAsync(cts.Token);
        List<int> pids;
        try
        {
            await app.StartAsync(cts.Token);
            await Task.WhenAll(AppHostFixture.Resources.Select(r => app.ResourceNotifications.WaitForResourceHealthyAsync(r, cts.Token)));
            pids = [.. app.ResourceNotifications.Snapshots.SelectMany(s => s.Replicas).Select(r => r.Pid!.Value)];
            pids.Add(app.WatchdogPid!.Value);
            Assert.Equal(6, pids.Count); // redis, statesvc, toolhost, 2 gateway replicas, watchdog
            Assert.All(pids, p => Assert.True(ProcessTable.IsAlive(p)));
        }
        finally
        {
            await app.DisposeAsync();
        }
        var survivors = await ProcessTable.WaitForExitAsync(pids, TimeSpan.FromSeconds(5));
        Assert.True(survivors.Count == 0, "still running after dispose: " + ProcessTable.Describe(survivors));
        var snapshots = app.ResourceNotifications.Snapshots;
        Assert.All(snapshots, s => Assert.Equal(Notifications.ResourceState.Exited, s.State));
    }
}
