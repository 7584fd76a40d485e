namespace McpAspire.Gateway.RateLimiting;

/// <summary>Where the token buckets live.</summary>
public enum RateLimitStoreKind
{
    /// <summary>Redis when <c>ConnectionStrings:redis</c> is configured, else in-process.</summary>
    Auto,

    /// <summary>Redis (shared by every replica); start-up fails without <c>ConnectionStrings:redis</c>.</summary>
    Redis,

    /// <summary>In this process only: each replica counts on its own (right for a single replica).</summary>
    Memory,
}
