using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Health;
using McpAspire.Hosting.Logging;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Processes;
using McpAspire.Hosting.Proxy;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// Runs one resource: waits for its <c>WaitFor</c> dependencies, starts its replicas (and the front proxy when there
/// are several), and publishes an aggregate snapshot whenever a replica changes.
/// </summary>
internal sealed class ResourceRunner
{
    private readonly IResource _resource;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLogBuffer _logs;
    private readonly List<ReplicaRunner> _replicas = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeSpan _grace;
    private readonly Lock _publishLock = new();
    private readonly Func<IResource, Task>? _onFirstHealthy;
    private readonly Action<IResource>? _onSettled;
    private readonly List<ReplicaFrontProxy> _proxies = [];
    private bool _settled;
    private Task _run = Task.CompletedTask;
    private string? _error;
    private bool _everHealthy;

    // Resources without a process (external Redis, connection strings) are only probed.
    private IHealthProbe? _probeOnly;
    private TimeProvider _time = TimeProvider.System;
    private HealthStatus _probeOnlyHealth = HealthStatus.Unknown;
    private ResourceState _probeOnlyState = ResourceState.Waiting;

    public ResourceRunner(IResource resource, ResourceNotificationService notifications, ResourceLoggerService logs, TimeSpan grace,
        Func<IResource, Task>? onFirstHealthy, Action<IResource>? onSettled = null)
    {
        _onSettled = onSettled;
        _resource = resource;
        _notifications = notifications;
        _logs = logs.GetBuffer(resource.Name);
        _grace = grace;
        _onFirstHealthy = onFirstHealthy;
    }

    public IResource Resource => _resource;

    public IReadOnlyList<ReplicaRunner> Replicas => _replicas;

    /// <summary>The resource type name shown on the dashboard.</summary>
    public static string TypeName(IResource resource) => resource switch
    {
        ProjectResource => "Project",
        ExecutableResource => "Executable",
        RedisResource => "Redis",
        ConnectionStringResource => "ConnectionString",
        _ => resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal),
    };

    /// <summary>Creates the replicas (with their process plans and probes) and the front proxy.</summary>
    public void Prepare(int replicaCount, Func<int, string, CancellationToken, Task<ProcessSpec>>? spec, IHealthProbe probe, Func<int, string?> replicaUrl,
        ProcessGroupWatchdog? watchdog, TimeSpan maxRestartDelay, ConsoleEcho echo, int colorIndex, TimeProvider time, Logging.ConsoleLineRedactor redactor)
    {
        for (var i = 0; spec is not null && i < replicaCount; i++)
        {
            var index = i;
            var name = replicaCount == 1 ? _resource.Name : $"{_resource.Name}-{i}";
            _replicas.Add(new ReplicaRunner(
                name,
                i,
                replicaUrl(i),
                ct => spec(index, name, ct),
                probe,
                (line, isError) =>
                {
                    line = redactor.Redact(line);
                    _logs.Add(new LogLine(_resource.Name, name, isError, line, time.GetUtcNow()));
                    echo.Line(name, colorIndex, line, isError);
                },
                Publish,
                watchdog,
                maxRestartDelay,
                time));
        }
        _probeOnly = spec is null ? probe : null;
        _time = time;
    }

    /// <summary>Opens the front port for a replicated endpoint.</summary>
    public void StartProxy(int frontPort, int[] targetPorts)
    {
        _proxies.Add(new ReplicaFrontProxy(frontPort, () => _replicas.Select((r, i) => new ProxyTarget(targetPorts[i], r.Snapshot.Health == HealthStatus.Healthy && r.Snapshot.Pid is not null)).ToList()));
    }

    /// <summary>Starts waiting and then running in the background.</summary>
    public void Start()
    {
        Publish();
        _run = Task.Run(() => RunAsync(_stopping.Token));
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            foreach (var wait in _resource.Annotations.OfType<WaitAnnotation>())
            {
                try
                {
                    await _notifications.WaitForResourceHealthyAsync(wait.Resource.Name, stopping).ConfigureAwait(false);
                }
                catch (DistributedApplicationException)
                {
                    // Nothing was started yet, so there is nothing to stop: the resource just never starts.
                    _error = $"dependency '{wait.Resource.Name}' cannot become healthy";
                    _probeOnlyState = ResourceState.FailedToStart;
                    PublishFailed();
                    return;
                }
            }
        }
        catch (TimeoutException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        if (_probeOnly is { } probe)
        {
            await ProbeOnlyLoopAsync(probe, stopping).ConfigureAwait(false);
            return;
        }
        await Task.WhenAll(_replicas.Select(r => Task.Run(async () =>
        {
            try
            {
                await r.RunAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None))).ConfigureAwait(false);
    }

    private async Task ProbeOnlyLoopAsync(IHealthProbe probe, CancellationToken stopping)
    {
        _probeOnlyState = ResourceState.Starting;
        Publish();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var ok = await probe.ProbeAsync(0, stopping).ConfigureAwait(false);
                _probeOnlyHealth = ok ? HealthStatus.Healthy : HealthStatus.Unhealthy;
                _probeOnlyState = ok ? ResourceState.Running : _everHealthy ? ResourceState.Unhealthy : ResourceState.Starting;
                Publish();
                await Task.Delay(ok ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(250), _time, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void PublishFailed()
    {
        _notifications.PublishUpdate(BuildSnapshot() with { State = ResourceState.FailedToStart, Error = _error });
    }

    /// <summary>Publishes the aggregate of the replicas.</summary>
    public void Publish()
    {
        ResourceSnapshot snapshot;
        bool becameHealthy;
        bool settled;
        lock (_publishLock)
        {
            snapshot = BuildSnapshot();
            becameHealthy = !_everHealthy && snapshot.Health == HealthStatus.Healthy && snapshot.State == ResourceState.Running;
            if (becameHealthy)
            {
                _everHealthy = true;
                snapshot = snapshot with { EverHealthy = true };
            }
            // Settled: healthy, or clearly not going to be (failed to start, crash-looping) — for the start-up table.
            settled = !_settled && (becameHealthy || snapshot.State == ResourceState.FailedToStart || snapshot.CrashLooping);
            _settled |= settled;
            _notifications.PublishUpdate(snapshot);
        }
        if (becameHealthy && _onFirstHealthy is { } callback)
        {
            _ = callback(_resource);
        }
        if (settled)
        {
            _onSettled?.Invoke(_resource);
        }
    }

    private ResourceSnapshot BuildSnapshot()
    {
        var endpoints = _resource.Annotations.OfType<EndpointAnnotation>()
            .Where(e => e.AllocatedEndpoint is not null)
            .Select(e => new ResourceUrl(e.Name, e.AllocatedEndpoint!.Url))
            .ToList();
        var replicas = _replicas.Select(r => r.Snapshot).ToList();
        ResourceState state;
        HealthStatus health;
        if (_probeOnly is not null || replicas.Count == 0)
        {
            state = _probeOnlyState;
            health = _probeOnlyHealth;
        }
        else
        {
            state = Aggregate(replicas);
            health = replicas.All(r => r.Health == HealthStatus.Healthy) ? HealthStatus.Healthy
                : replicas.Any(r => r.Health != HealthStatus.Unknown) ? HealthStatus.Unhealthy
                : HealthStatus.Unknown;
        }
        if (_error is not null)
        {
            state = ResourceState.FailedToStart;
        }
        return new ResourceSnapshot
        {
            Name = _resource.Name,
            Type = TypeName(_resource),
            State = state,
            Health = health,
            Replicas = replicas,
            Endpoints = endpoints,
            StartedAt = replicas.Where(r => r.StartedAt is not null).Select(r => r.StartedAt).Min(),
            ExitCode = replicas.LastOrDefault(r => r.ExitCode is not null)?.ExitCode,
            EverHealthy = _everHealthy,
            CrashLooping = _replicas.Any(r => r.CrashLooping),
            Error = _error ?? _replicas.Select(r => r.Error).FirstOrDefault(e => e is not null),
        };
    }

    private static ResourceState Aggregate(List<ReplicaSnapshot> replicas)
    {
        if (replicas.Any(r => r.State == ResourceState.FailedToStart))
        {
            return ResourceState.FailedToStart;
        }
        if (replicas.All(r => r.State == ResourceState.Running))
        {
            return ResourceState.Running;
        }
        if (replicas.All(r => r.State == ResourceState.Waiting))
        {
            return ResourceState.Waiting;
        }
        if (replicas.All(r => r.State == ResourceState.Exited))
        {
            return ResourceState.Exited;
        }
        return replicas.Any(r => r.State is ResourceState.Unhealthy or ResourceState.Exited) ? ResourceState.Unhealthy : ResourceState.Starting;
    }

    /// <summary>Stops every replica (graceful, then forceful) and closes the front port.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_replicas.Select(r => r.StopAsync(_grace, cancellationToken))).ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }
        _proxies.Clear();
        if (_probeOnly is not null)
        {
            _probeOnlyState = ResourceState.Exited;
            _probeOnlyHealth = HealthStatus.Unknown;
        }
        Publish();
    }

    /// <summary>Dashboard commands: restart, stop, start.</summary>
    public async Task<bool> ExecuteCommandAsync(string command)
    {
        switch (command)
        {
            case "restart":
                await Task.WhenAll(_replicas.Select(r => r.RestartCommandAsync(_grace))).ConfigureAwait(false);
                return true;
            case "stop":
                await Task.WhenAll(_replicas.Select(r => r.StopCommandAsync(_grace))).ConfigureAwait(false);
                return true;
            case "start":
                foreach (var r in _replicas)
                {
                    r.StartCommand();
                }
                return true;
            default:
                return false;
        }
    }
}
