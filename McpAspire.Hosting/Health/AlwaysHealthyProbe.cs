namespace McpAspire.Hosting.Health;

/// <summary>For resources without a health check: running means healthy.</summary>
internal sealed class AlwaysHealthyProbe : IHealthProbe
{
    public static readonly AlwaysHealthyProbe Instance = new();

    public Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) => Task.FromResult(true);
}
