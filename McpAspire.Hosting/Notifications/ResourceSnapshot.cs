namespace McpAspire.Hosting.Notifications;

/// <summary>An immutable view of a resource at one moment; a new one is published on every change.</summary>
public sealed record ResourceSnapshot
{
    /// <summary>The resource name.</summary>
    public required string Name { get; init; }

    /// <summary><c>Project</c>, <c>Executable</c>, <c>Redis</c> or <c>ConnectionString</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Aggregate state (Running only when every replica is).</summary>
    public ResourceState State { get; init; } = ResourceState.Waiting;

    /// <summary>Aggregate health (Healthy only when every replica is).</summary>
    public HealthStatus Health { get; init; } = HealthStatus.Unknown;

    /// <summary>The processes (empty for resources that start none).</summary>
    public IReadOnlyList<ReplicaSnapshot> Replicas { get; init; } = [];

    /// <summary>Named URLs clients use (front URLs for replicated resources).</summary>
    public IReadOnlyList<ResourceUrl> Endpoints { get; init; } = [];

    /// <summary>When the first process started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Exit code of the last exited process, if any.</summary>
    public int? ExitCode { get; init; }

    /// <summary>True once the resource has been healthy at least once in this run.</summary>
    public bool EverHealthy { get; init; }

    /// <summary>True when a replica exited three times in a row before ever becoming healthy.</summary>
    public bool CrashLooping { get; init; }

    /// <summary>Why the resource failed to start, when <see cref="State"/> is FailedToStart.</summary>
    public string? Error { get; init; }
}
