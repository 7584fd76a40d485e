using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.Gateway.Front;

/// <summary>
/// The <c>mcp</c> health check: healthy while the front runs, with its load as data (live 2025 sessions on this
/// replica, legacy SSE sessions among them, open 2026 listen streams) so <c>/health</c> and the dashboard show it.
/// </summary>
internal sealed class McpFrontHealthCheck(LiveSessions live, NotificationHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("MCP endpoint serving", new Dictionary<string, object>
        {
            ["liveSessions"] = live.Count,
            ["legacySseSessions"] = live.LegacyCount,
            ["listenStreams"] = hub.ListenerCount,
        }));
}
