using McpAspire.Gateway.Downstream;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.Gateway.Diagnostics;

/// <summary>
/// Healthy when every enabled downstream is connected; Degraded (still 200: the gateway serves the others) when some
/// are not, with each server's status and last error in the data.
/// </summary>
public sealed class DownstreamHealthCheck : IHealthCheck
{
    private readonly DownstreamManager _manager;

    /// <summary>Creates the check.</summary>
    public DownstreamHealthCheck(DownstreamManager manager)
    {
        _manager = manager;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var down = new List<string>();
        foreach (var c in _manager.Connections)
        {
            var status = c.Status.ToString().ToLowerInvariant();
            data[c.Name] = c.LastError is null ? status : $"{status}: {c.LastError}";
            if (c.Status is not (DownstreamStatus.Connected or DownstreamStatus.Disabled))
            {
                down.Add(c.Name);
            }
        }
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy($"{data.Count} downstream server(s) connected or disabled.", data)
            : HealthCheckResult.Degraded($"Not connected: {string.Join(", ", down)}.", data: data));
    }
}
