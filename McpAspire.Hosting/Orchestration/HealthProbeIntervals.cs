namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// How often a replica is probed: fast until it first becomes healthy, then every 5 s while healthy (as Aspire does;
/// a crash is seen at once through the process exit and the front proxy skips a replica that refuses connections, so
/// frequent probes would only flood the services' request logs), and every second while unhealthy.
/// </summary>
internal sealed record HealthProbeIntervals(TimeSpan Startup, TimeSpan Healthy, TimeSpan Unhealthy)
{
    public static readonly HealthProbeIntervals Default = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
}
