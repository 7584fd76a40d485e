using McpAspire.Hosting.Health;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Processes;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// Keeps one process of a resource alive: starts it, probes its health (fast until first healthy, then every second),
/// restarts it with exponential backoff when it exits, and obeys stop/start/restart commands.
/// </summary>
internal sealed class ReplicaRunner
{
    private static readonly TimeSpan s_stableRun = TimeSpan.FromSeconds(30);

    private readonly Func<CancellationToken, Task<ProcessSpec>> _spec;
    private readonly IHealthProbe _probe;
    private readonly Action<string, bool> _output;
    private readonly Action _changed;
    private readonly ProcessGroupWatchdog? _watchdog;
    private readonly TimeSpan _maxRestartDelay;
    private readonly TimeProvider _time;
    private readonly HealthProbeIntervals _intervals;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private ChildProcess? _child;
    private ProcessSpec? _currentSpec;
    private bool _enabled = true;
    private bool _skipBackoff;

    public ReplicaRunner(string name, int index, string? url, Func<CancellationToken, Task<ProcessSpec>> spec, IHealthProbe probe,
        Action<string, bool> output, Action changed, ProcessGroupWatchdog? watchdog, TimeSpan maxRestartDelay, TimeProvider time,
        HealthProbeIntervals? intervals = null)
    {
        _intervals = intervals ?? HealthProbeIntervals.Default;
        Name = name;
        Index = index;
        _spec = spec;
        _probe = probe;
        _output = output;
        _changed = changed;
        _watchdog = watchdog;
        _maxRestartDelay = maxRestartDelay;
        _time = time;
        Snapshot = new ReplicaSnapshot(name, null, ResourceState.Waiting, HealthStatus.Unknown, url, 0, null, null);
    }

    public string Name { get; }

    public int Index { get; }

    /// <summary>Latest state.</summary>
    public ReplicaSnapshot Snapshot { get; private set; }

    /// <summary>True once healthy at least once.</summary>
    public bool EverHealthy { get; private set; }

    /// <summary>Exited three times in a row before becoming healthy.</summary>
    public bool CrashLooping { get; private set; }

    /// <summary>Why the start failed.</summary>
    public string? Error { get; private set; }

    private void Update(Func<ReplicaSnapshot, ReplicaSnapshot> change)
    {
        lock (_lock)
        {
            Snapshot = change(Snapshot);
        }
        _changed();
    }

    /// <summary>Runs until <paramref name="stopping"/> fires; the caller then calls <see cref="StopAsync"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var consecutiveFailures = 0;
        var earlyExits = 0;
        while (!stopping.IsCancellationRequested)
        {
            if (!_enabled)
            {
                await _wake.WaitAsync(stopping).ConfigureAwait(false);
                continue;
            }
            ProcessSpec spec;
            ChildProcess child;
            try
            {
                Update(s => s with { State = ResourceState.Starting, Health = HealthStatus.Unknown, Pid = null });
                spec = await _spec(stopping).ConfigureAwait(false);
                child = ChildProcess.Start(spec, _output, _watchdog);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or FileNotFoundException)
            {
                Error = ex.Message;
                _output($"failed to start: {ex.Message}", true);
                Update(s => s with { State = ResourceState.FailedToStart, Health = HealthStatus.Unhealthy, Pid = null });
                return;
            }

            lock (_lock)
            {
                _child = child;
                _currentSpec = spec;
            }
            var startedAt = _time.GetUtcNow();
            Update(s => s with { Pid = child.Pid, StartedAt = startedAt });
            using var probeStop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var healthyThisRun = false;
            var probing = ProbeLoopAsync(child, () => healthyThisRun = true, probeStop.Token);

            int exitCode;
            try
            {
                exitCode = await child.Exited.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await probeStop.CancelAsync().ConfigureAwait(false);
                await probing.ConfigureAwait(false);
                return; // StopAsync ends the process.
            }
            await probeStop.CancelAsync().ConfigureAwait(false);
            await probing.ConfigureAwait(false);
            // Reap what the process left in its group (e.g. stdio servers of a crashed gateway).
            await child.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            await child.DisposeAsync().ConfigureAwait(false);
            lock (_lock)
            {
                _child = null;
            }
            Update(s => s with { State = ResourceState.Exited, Health = HealthStatus.Unhealthy, ExitCode = exitCode, Pid = null });
            if (stopping.IsCancellationRequested)
            {
                return;
            }
            _output($"exited with code {exitCode}", true);

            var ranLong = _time.GetUtcNow() - startedAt > s_stableRun;
            consecutiveFailures = ranLong ? 1 : consecutiveFailures + 1;
            earlyExits = healthyThisRun ? 0 : earlyExits + 1;
            CrashLooping = earlyExits >= 3;
            if (!_enabled)
            {
                continue;
            }
            bool skip;
            lock (_lock)
            {
                skip = _skipBackoff;
                _skipBackoff = false;
            }
            if (!skip)
            {
                var delay = RestartBackoff.Delay(consecutiveFailures, _maxRestartDelay);
                _output($"restarting in {delay.TotalSeconds:0.#} s", true);
                // A start/restart command cuts the wait short.
                await _wake.WaitAsync(delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            Update(s => s with { Restarts = s.Restarts + 1 });
        }
    }

    private async Task ProbeLoopAsync(ChildProcess child, Action markHealthy, CancellationToken cancellationToken)
    {
        var healthy = false;
        var wasHealthy = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested && !child.Exited.IsCompleted)
            {
                var ok = await _probe.ProbeAsync(Index, cancellationToken).ConfigureAwait(false);
                if (child.Exited.IsCompleted)
                {
                    return;
                }
                if (ok && !healthy)
                {
                    healthy = true;
                    wasHealthy = true;
                    EverHealthy = true;
                    CrashLooping = false;
                    markHealthy();
                    Update(s => s with { State = ResourceState.Running, Health = HealthStatus.Healthy });
                }
                else if (!ok && healthy)
                {
                    healthy = false;
                    Update(s => s with { State = ResourceState.Unhealthy, Health = HealthStatus.Unhealthy });
                }
                await Task.Delay(healthy ? _intervals.Healthy : wasHealthy ? _intervals.Unhealthy : _intervals.Startup, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Ends the process: SIGTERM to its group, SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ChildProcess? child;
        lock (_lock)
        {
            child = _child;
            _child = null;
        }
        if (child is not null)
        {
            await BeforeStopAsync().ConfigureAwait(false);
            await child.StopAsync(grace, cancellationToken).ConfigureAwait(false);
            var code = child.Exited.IsCompletedSuccessfully ? child.Exited.Result : (int?)null;
            await child.DisposeAsync().ConfigureAwait(false);
            Update(s => s with { State = ResourceState.Exited, Health = HealthStatus.Unhealthy, Pid = null, ExitCode = code });
        }
        else if (Snapshot.State is ResourceState.Waiting or ResourceState.Starting)
        {
            Update(s => s with { State = ResourceState.Exited, Health = HealthStatus.Unhealthy });
        }
    }

    private async Task BeforeStopAsync()
    {
        if (_currentSpec?.BeforeStop is { } beforeStop && Snapshot.Health == HealthStatus.Healthy)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await beforeStop(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Command: stop the process and keep it stopped.</summary>
    public async Task StopCommandAsync(TimeSpan grace)
    {
        _enabled = false;
        ChildProcess? child;
        lock (_lock)
        {
            child = _child;
        }
        if (child is not null)
        {
            await BeforeStopAsync().ConfigureAwait(false);
            await child.StopAsync(grace).ConfigureAwait(false);
        }
    }

    /// <summary>Command: start again after a stop (or skip a pending backoff).</summary>
    public void StartCommand()
    {
        _enabled = true;
        lock (_lock)
        {
            _skipBackoff = true;
        }
        _wake.Release();
    }

    /// <summary>Command: stop gracefully and start again at once.</summary>
    public async Task RestartCommandAsync(TimeSpan grace)
    {
        ChildProcess? child;
        lock (_lock)
        {
            _skipBackoff = true;
            child = _child;
        }
        _enabled = true;
        if (child is not null)
        {
            await BeforeStopAsync().ConfigureAwait(false);
            await child.StopAsync(grace).ConfigureAwait(false);
        }
        else
        {
            _wake.Release();
        }
    }
}
