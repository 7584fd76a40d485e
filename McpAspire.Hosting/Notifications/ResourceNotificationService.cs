using System.Runtime.CompilerServices;
using System.Threading.Channels;
using McpAspire.Hosting.Logging;

namespace McpAspire.Hosting.Notifications;

/// <summary>
/// Current state of every resource and a stream of changes; the waits tests and <c>WaitFor</c> use. Unknown names
/// fail at once listing the known ones; waits fail fast (with the resource's last console lines) when it cannot
/// become healthy, and a timed-out wait says what state the resource was in.
/// </summary>
public sealed class ResourceNotificationService
{
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];
    private readonly Lock _lock = new();
    private readonly ResourceLoggerService _logs;

    /// <summary>Creates the service with every resource known up front.</summary>
    public ResourceNotificationService(IEnumerable<ResourceSnapshot> initial, ResourceLoggerService logs)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _logs = logs ?? throw new ArgumentNullException(nameof(logs));
        foreach (var s in initial)
        {
            _snapshots[s.Name] = s;
        }
    }

    /// <summary>Names of every resource.</summary>
    public IReadOnlyList<string> ResourceNames
    {
        get
        {
            lock (_lock)
            {
                return [.. _snapshots.Keys];
            }
        }
    }

    /// <summary>Current snapshots, in model order.</summary>
    public IReadOnlyList<ResourceSnapshot> Snapshots
    {
        get
        {
            lock (_lock)
            {
                return [.. _snapshots.Values];
            }
        }
    }

    /// <summary>The current snapshot of <paramref name="resourceName"/>; unknown names throw listing the known ones.</summary>
    public ResourceSnapshot GetSnapshot(string resourceName)
    {
        lock (_lock)
        {
            return _snapshots.TryGetValue(resourceName, out var s) ? s : throw UnknownResource(resourceName);
        }
    }

    /// <summary>Replaces a snapshot and tells every watcher.</summary>
    public void PublishUpdate(ResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (_snapshots.TryGetValue(snapshot.Name, out var old) && old == snapshot)
            {
                return;
            }
            _snapshots[snapshot.Name] = snapshot;
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite(snapshot);
            }
        }
    }

    /// <summary>Every current snapshot, then each change, until cancelled.</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Bounded so a stalled watcher (a dashboard tab that stopped reading) cannot grow the AppHost's memory.
        var channel = Channel.CreateBounded<ResourceSnapshot>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
        ResourceSnapshot[] current;
        lock (_lock)
        {
            current = [.. _snapshots.Values];
            _watchers.Add(channel);
        }
        try
        {
            foreach (var s in current)
            {
                yield return s;
            }
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var s))
                {
                    yield return s;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the resource, or <paramref name="failFast"/> returns an error.</summary>
    public async Task<ResourceSnapshot> WaitForResourceAsync(string resourceName, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default, Func<ResourceSnapshot, string?>? failFast = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var last = GetSnapshot(resourceName);
        try
        {
            await foreach (var s in WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!string.Equals(s.Name, resourceName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                last = s;
                if (predicate(s))
                {
                    return s;
                }
                if (failFast?.Invoke(s) is { } reason)
                {
                    throw new DistributedApplicationException(
                        $"Resource '{s.Name}' {reason} (state {s.State}, health {s.Health}). Last console lines:{Environment.NewLine}{_logs.Tail(s.Name)}");
                }
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Gave up waiting for resource '{resourceName}': it is {last.State} (health {last.Health}{DescribeReplicas(last)}). Last console lines:{Environment.NewLine}{_logs.Tail(resourceName)}", ex);
        }
        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>
    /// Waits until the resource (every replica) is healthy. Fails at once when it failed to start or keeps crashing
    /// before ever becoming healthy; a cancelled token becomes a <see cref="TimeoutException"/> with its state and logs.
    /// </summary>
    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(
            resourceName,
            s => s.Health == HealthStatus.Healthy && s.State == ResourceState.Running,
            cancellationToken,
            s => s.State == ResourceState.FailedToStart ? $"failed to start: {s.Error}"
                : s.CrashLooping ? "keeps exiting before it becomes healthy"
                : null);

    /// <summary>Waits until the resource reaches <paramref name="state"/>.</summary>
    public Task<ResourceSnapshot> WaitForResourceAsync(string resourceName, ResourceState state, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, s => s.State == state, cancellationToken);

    private static string DescribeReplicas(ResourceSnapshot s) =>
        s.Replicas.Count == 0 ? "" : "; replicas: " + string.Join(", ", s.Replicas.Select(r => $"{r.Name} {r.State}/{r.Health} restarts={r.Restarts}"));

    private DistributedApplicationException UnknownResource(string name) =>
        new($"No resource named '{name}'. Known resources: {string.Join(", ", _snapshots.Keys.Order(StringComparer.Ordinal))}.");
}
