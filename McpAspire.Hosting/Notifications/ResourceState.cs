namespace McpAspire.Hosting.Notifications;

/// <summary>Lifecycle state of a resource or of one of its replicas.</summary>
public enum ResourceState
{
    /// <summary>Not started yet: waiting for the resources it <c>WaitFor</c>s to become healthy.</summary>
    Waiting,

    /// <summary>The process is starting and has not passed its health check yet.</summary>
    Starting,

    /// <summary>Running and healthy.</summary>
    Running,

    /// <summary>Running but its health check fails (or only some replicas are healthy).</summary>
    Unhealthy,

    /// <summary>The process exited (it is restarted with backoff unless the application is stopping).</summary>
    Exited,

    /// <summary>The process could not be started at all (missing binary, build failure, bad configuration).</summary>
    FailedToStart,
}
