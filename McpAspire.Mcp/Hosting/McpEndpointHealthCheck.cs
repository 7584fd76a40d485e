using McpAspire.Mcp.Http;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Subscriptions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.Mcp.Hosting;

/// <summary>
/// The <c>mcp</c> health check: healthy while the endpoint runs, with its load as data (live 2025 sessions on this
/// replica, legacy SSE sessions, open 2026 listen streams) so <c>/health</c> and the dashboard show it.
/// </summary>
internal sealed class McpEndpointHealthCheck(McpLiveSessionRegistry live, LegacySseEndpoint legacy, McpSubscriptionHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("MCP endpoint serving", new Dictionary<string, object>
        {
            ["liveSessions"] = live.Count,
            ["legacySseSessions"] = legacy.Count,
            ["listenStreams"] = hub.Count,
        }));
}
