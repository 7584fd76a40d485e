namespace McpAspire.Gateway.RateLimiting;

/// <summary>Holds the token buckets: Redis (shared by replicas) or this process.</summary>
internal interface IRateLimitStore
{
    /// <summary>Checks the plan's buckets for the principal (and tool) and takes one token from each, or from none.</summary>
    ValueTask<RateLimitDecision> AcquireAsync(string principal, string? tool, RateLimitPlan plan, CancellationToken cancellationToken);
}
