using System.Globalization;
using McpAspire.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.ServiceDefaults.Redis;

/// <summary>PINGs Redis through the shared multiplexer; unhealthy (with the reason) while it is unreachable.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer multiplexer) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!multiplexer.IsConnected)
        {
            // Answer at once while reconnecting instead of waiting out the command timeout on every probe.
            return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to Redis (reconnecting in the background).");
        }
        try
        {
            var rtt = await multiplexer.GetDatabase().PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING {rtt.TotalMilliseconds:0.###} ms"));
        }
        catch (RedisException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, ex);
        }
    }
}
