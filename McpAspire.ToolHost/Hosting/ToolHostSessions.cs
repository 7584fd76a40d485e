using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Hosting;

/// <summary>
/// The <c>mcp</c> health check: the 2025-era sessions (and legacy SSE sessions) live on this replica, counted as the
/// SDK runs each one, so <c>/health</c> and the dashboard show the endpoint's load.
/// </summary>
public sealed class ToolHostSessions : IHealthCheck
{
    private int _live;

    /// <summary>Sessions running now.</summary>
    public int Live => Volatile.Read(ref _live);

    /// <summary>
    /// Runs one session (the SDK's <c>RunSessionHandler</c>), counting it while it lives. A stateless 2026-07-28 request
    /// (a server without a session id, living as long as its POST) is not a session: it runs uncounted, with no extra frame.
    /// </summary>
    public Task RunAsync(Microsoft.AspNetCore.Http.HttpContext context, McpServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        return string.IsNullOrEmpty(server.SessionId) ? server.RunAsync(cancellationToken) : RunCountedAsync(server, cancellationToken);
    }

    private async Task RunCountedAsync(McpServer server, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _live);
        try
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _live);
        }
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("MCP endpoint serving", new Dictionary<string, object> { ["liveSessions"] = Live }));
}
