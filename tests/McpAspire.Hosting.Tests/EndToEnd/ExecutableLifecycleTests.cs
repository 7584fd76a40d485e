using System.Globalization;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.ResourceService;
using McpAspire.Hosting.Tests.Infrastructure;

namespace McpAspire.Hosting.Tests.EndToEnd;

/// <summary>Process lifecycle on real (tiny) executables: crash loops, failed starts, grandchildren, dashboard commands.</summary>
public sealed class ExecutableLifecycleTests
{
    [Fact]
    public async Task A_crash_looping_resource_fails_the_health_wait_fast_with_its_last_console_lines()
    {
        var builder = SmallApp.CreateBuilder();
        // Like a service that dies during start-up: it has an HTTP health check it never gets to answer.
        builder.AddExecutable("crasher", "/bin/sh", ".", "-c", "echo starting up; echo 'fatal: config missing' >&2; exit 3")
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health");
        await using var app = builder.Build();
        await app.StartAsync();
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("crasher", SmallApp.Timeout()));
        Assert.Contains("keeps exiting", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fatal: config missing", ex.Message, StringComparison.Ordinal);
        var snapshot = app.ResourceNotifications.GetSnapshot("crasher");
        Assert.Equal(3, snapshot.ExitCode);
        Assert.True(snapshot.Replicas[0].Restarts >= 2);
    }

    [Fact]
    public async Task A_missing_program_fails_to_start_and_so_does_whatever_waits_for_it()
    {
        var builder = SmallApp.CreateBuilder();
        var ghost = builder.AddExecutable("ghost", "/nonexistent/program", ".");
        builder.AddExecutable("dependent", "sleep", ".", "300").WaitFor(ghost);
        await using var app = builder.Build();
        await app.StartAsync();
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("ghost", SmallApp.Timeout()));
        Assert.Contains("/nonexistent/program", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ResourceState.FailedToStart, app.ResourceNotifications.GetSnapshot("ghost").State);
        var dependent = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("dependent", SmallApp.Timeout()));
        Assert.Contains("dependency 'ghost'", dependent.Message, StringComparison.Ordinal);
        Assert.Null(app.ResourceNotifications.GetSnapshot("dependent").Replicas[0].Pid);
    }

    [Fact]
    public async Task Children_run_in_their_own_process_group_and_their_grandchildren_die_with_them()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mcpaspire-grandchild-{Guid.NewGuid():N}");
        var builder = SmallApp.CreateBuilder();
        builder.AddExecutable("parent", "/bin/sh", ".", "-c", $"sleep 300 & echo $! > {pidFile}; wait");
        var app = builder.Build();
        int child;
        int grandchild;
        try
        {
            await app.StartAsync();
            var snapshot = await app.ResourceNotifications.WaitForResourceHealthyAsync("parent", SmallApp.Timeout());
            child = snapshot.Replicas[0].Pid!.Value;
            while (!File.Exists(pidFile) || (await File.ReadAllTextAsync(pidFile)).Trim().Length == 0)
            {
                await Task.Delay(20);
            }
            grandchild = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
            Assert.True(ProcessTable.IsAlive(grandchild));
            Assert.Equal(child, ProcessGroupOf(child));
            Assert.Equal(child, ProcessGroupOf(grandchild));

            // When the child crashes, what it left in its group is reaped before the restart.
            File.Delete(pidFile);
            using (var victim = System.Diagnostics.Process.GetProcessById(child))
            {
                victim.Kill();
            }
            Assert.Empty(await ProcessTable.WaitForExitAsync([child, grandchild], TimeSpan.FromSeconds(5)));
            snapshot = await app.ResourceNotifications.WaitForResourceAsync("parent", s => s.Replicas[0].Pid is { } p && p != child && s.State == ResourceState.Running, SmallApp.Timeout());
            child = snapshot.Replicas[0].Pid!.Value;
            while (!File.Exists(pidFile) || (await File.ReadAllTextAsync(pidFile)).Trim().Length == 0)
            {
                await Task.Delay(20);
            }
            grandchild = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        }
        finally
        {
            await app.DisposeAsync();
            File.Delete(pidFile);
        }
        Assert.Empty(await ProcessTable.WaitForExitAsync([child, grandchild], TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_process_group_that_ignores_SIGTERM_is_killed_when_the_stop_timeout_runs_out()
    {
        var builder = SmallApp.CreateBuilder("--AppHost:StopTimeoutSeconds=1");
        // The shell ignores TERM and keeps spawning sleeps (each of which TERM does end): only SIGKILL stops the group.
        builder.AddExecutable("stubborn", "/bin/sh", ".", "-c", "trap '' TERM; echo ready; while true; do sleep 0.2; done");
        var app = builder.Build();
        int pid;
        try
        {
            await app.StartAsync();
            pid = (await app.ResourceNotifications.WaitForResourceHealthyAsync("stubborn", SmallApp.Timeout())).Replicas[0].Pid!.Value;
            // Only once the trap is set does the shell ignore TERM.
            await foreach (var line in app.ResourceLogs.GetBuffer("stubborn").WatchAsync(SmallApp.Timeout()))
            {
                if (line.Text == "ready")
                {
                    break;
                }
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
        Assert.False(ProcessTable.IsAlive(pid));
        var replica = app.ResourceNotifications.GetSnapshot("stubborn").Replicas[0];
        Assert.Equal(ResourceState.Exited, replica.State);
        Assert.Equal(137, replica.ExitCode); // 128 + SIGKILL
    }

    [Fact]
    public async Task Restart_stop_and_start_commands_from_the_dashboard_api_act_on_the_process()
    {
        var builder = SmallApp.CreateBuilder();
        builder.AddExecutable("sleeper", "sleep", ".", "300");
        await using var app = builder.Build();
        await app.StartAsync();
        var ct = SmallApp.Timeout();
        var first = (await app.ResourceNotifications.WaitForResourceHealthyAsync("sleeper", ct)).Replicas[0].Pid!.Value;
        using var http = new HttpClient { BaseAddress = app.ResourceServiceUrl };
        http.DefaultRequestHeaders.Add(ResourceServiceHost.ApiKeyHeader, app.ResourceServiceApiKey);

        // A dashboard watching /resources/watch sees the restart as new `resources` events.
        using var watch = await http.GetAsync("/resources/watch", HttpCompletionOption.ResponseHeadersRead, ct);
        using var events = new StreamReader(await watch.Content.ReadAsStreamAsync(ct));
        Assert.Contains($"\"pid\":{first}", await ReadEventDataAsync(events, ct), StringComparison.Ordinal);

        using (var restart = await http.PostAsync("/resources/sleeper/commands/restart", null, ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, restart.StatusCode);
        }
        var restarted = await app.ResourceNotifications.WaitForResourceAsync("sleeper", s => s.Replicas[0].Pid is { } p && p != first && s.State == ResourceState.Running, ct);
        var newPid = $"\"pid\":{restarted.Replicas[0].Pid}";
        while (!(await ReadEventDataAsync(events, ct)).Contains(newPid, StringComparison.Ordinal))
        {
        }
        Assert.Empty(await ProcessTable.WaitForExitAsync([first], TimeSpan.FromSeconds(5)));

        using (var stop = await http.PostAsync("/resources/sleeper/commands/stop", null, ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, stop.StatusCode);
        }
        await app.ResourceNotifications.WaitForResourceAsync("sleeper", ResourceState.Exited, ct);
        await Task.Delay(1500, ct); // longer than the first restart backoff: a stopped resource stays stopped
        Assert.Equal(ResourceState.Exited, app.ResourceNotifications.GetSnapshot("sleeper").State);
        Assert.False(ProcessTable.IsAlive(restarted.Replicas[0].Pid!.Value));

        using (var start = await http.PostAsync("/resources/sleeper/commands/start", null, ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        }
        var again = await app.ResourceNotifications.WaitForResourceHealthyAsync("sleeper", ct);
        Assert.True(ProcessTable.IsAlive(again.Replicas[0].Pid!.Value));
    }

    private static async Task<string> ReadEventDataAsync(StreamReader reader, CancellationToken ct)
    {
        Assert.Equal("event: resources", await reader.ReadLineAsync(ct));
        var data = await reader.ReadLineAsync(ct);
        Assert.StartsWith("data: [", data, StringComparison.Ordinal);
        Assert.Equal("", await reader.ReadLineAsync(ct));
        return data!;
    }

    private static int ProcessGroupOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], CultureInfo.InvariantCulture);
    }
}
