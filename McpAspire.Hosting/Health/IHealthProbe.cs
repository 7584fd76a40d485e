namespace McpAspire.Hosting.Health;

/// <summary>Checks whether one replica of a resource is healthy.</summary>
internal interface IHealthProbe
{
    /// <summary>True when healthy; never throws for an unhealthy target.</summary>
    Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken);
}
