using McpAspire.Hosting.Health;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Orchestration;
using McpAspire.Hosting.Processes;
using McpAspire.Hosting.Tests.Infrastructure;

namespace McpAspire.Hosting.Tests.Model;

/// <summary>One replica over a real process (<c>sleep</c>) with a health probe the test controls.</summary>
public sealed class ReplicaRunnerTests
{
    private sealed class SwitchableProbe : IHealthProbe
    {
        public volatile bool Healthy = true;

        public Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) => Task.FromResult(Healthy);
    }

    [Fact]
    public async Task A_failing_health_check_turns_a_running_replica_unhealthy_and_a_passing_one_back()
    {
        var probe = new SwitchableProbe();
        var states = new List<(ResourceState, HealthStatus)>();
        ReplicaRunner? runner = null;
        runner = new ReplicaRunner("svc", 0, null,
            _ => Task.FromResult(new ProcessSpec("sleep", ["300"], Path.GetTempPath(), new Dictionary<string, string>())),
            probe, (_, _) => { }, () =>
            {
                lock (states)
                {
                    states.Add((runner!.Snapshot.State, runner.Snapshot.Health));
                }
            },
            watchdog: null, TimeSpan.FromSeconds(1), TimeProvider.System,
            new HealthProbeIntervals(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20)));
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        try
        {
            await WaitUntil(() => runner.Snapshot.State == ResourceState.Running);
            probe.Healthy = false;
            await WaitUntil(() => runner.Snapshot is { State: ResourceState.Unhealthy, Health: HealthStatus.Unhealthy });
            Assert.NotNull(runner.Snapshot.Pid); // unhealthy, not restarted: the process keeps running
            probe.Healthy = true;
            await WaitUntil(() => runner.Snapshot is { State: ResourceState.Running, Health: HealthStatus.Healthy });
            Assert.Equal(0, runner.Snapshot.Restarts);
        }
        finally
        {
            var pid = runner.Snapshot.Pid;
            await stop.CancelAsync();
            await runner.StopAsync(TimeSpan.FromSeconds(2));
            await run;
            Assert.True(pid is null || !ProcessTable.IsAlive(pid.Value));
        }
        lock (states)
        {
            var sequence = states.Select(s => s.Item1).Distinct().ToList();
            Assert.Equal([ResourceState.Starting, ResourceState.Running, ResourceState.Unhealthy, ResourceState.Exited], sequence);
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 20 s");
            await Task.Delay(10);
        }
    }
}
