namespace McpAspire.Gateway.RateLimiting;

/// <summary>What a store answered for one request.</summary>
/// <param name="Outcome">Allowed, rejected, or the store could not answer.</param>
/// <param name="Scope">For a rejection, the limit that was hit (the one that frees up last when both were).</param>
/// <param name="RetryAfterMilliseconds">For a rejection, when a token is back for every limit involved.</param>
internal readonly record struct RateLimitDecision(RateLimitOutcome Outcome, RateLimitScope Scope, long RetryAfterMilliseconds)
{
    public static RateLimitDecision Allowed => new(RateLimitOutcome.Allowed, RateLimitScope.None, 0);

    public static RateLimitDecision Unavailable => new(RateLimitOutcome.StoreUnavailable, RateLimitScope.None, 0);
}
