namespace McpAspire.Gateway.RateLimiting;

/// <summary>Outcome of one check.</summary>
internal enum RateLimitOutcome
{
    Allowed,
    Rejected,
    StoreUnavailable,
}
