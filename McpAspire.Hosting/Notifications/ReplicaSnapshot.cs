namespace McpAspire.Hosting.Notifications;

/// <summary>One process of a resource, as the dashboard shows it.</summary>
public sealed record ReplicaSnapshot(
    string Name,
    int? Pid,
    ResourceState State,
    HealthStatus Health,
    string? Url,
    int Restarts,
    int? ExitCode,
    DateTimeOffset? StartedAt);
