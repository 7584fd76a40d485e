namespace McpAspire.Gateway.RateLimiting;

/// <summary>Which limit a request ran into.</summary>
public enum RateLimitScope
{
    /// <summary>None (the request was allowed).</summary>
    None,

    /// <summary>The principal's limit over all its requests.</summary>
    Principal,

    /// <summary>The principal's limit for one tool.</summary>
    Tool,
}
