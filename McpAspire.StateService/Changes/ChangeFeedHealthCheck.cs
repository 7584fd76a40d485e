using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.StateService.Changes;

/// <summary>Ready only once this replica receives the change feed, so <c>/events</c> subscribers miss nothing.</summary>
public sealed class ChangeFeedHealthCheck : IHealthCheck
{
    private readonly ChangeBroadcaster _broadcaster;

    /// <summary>Creates the check.</summary>
    public ChangeFeedHealthCheck(ChangeBroadcaster broadcaster)
    {
        _broadcaster = broadcaster;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_broadcaster.IsSubscribed
            ? HealthCheckResult.Healthy("Subscribed to the Redis change channel.")
            : HealthCheckResult.Unhealthy("Not yet subscribed to the Redis change channel."));
}
