namespace McpAspire.Hosting.Notifications;

/// <summary>Result of the latest health probe.</summary>
public enum HealthStatus
{
    /// <summary>Not probed yet.</summary>
    Unknown,

    /// <summary>The probe passed.</summary>
    Healthy,

    /// <summary>The probe failed.</summary>
    Unhealthy,
}
