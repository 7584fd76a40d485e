namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// Rate limits of the gateway (<c>Gateway:RateLimits</c>), per principal and per principal and tool, validated at
/// start-up. Absent section (or <see cref="Enabled"/> false): no limits and no cost.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Gateway:RateLimits";

    /// <summary>Methods that never count when <see cref="ExemptMethods"/> is not configured.</summary>
    public static readonly IReadOnlyList<string> DefaultExemptMethods = ["ping"];

    /// <summary>Turns every limit off without removing the configuration.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every counted request of one principal (authenticated user, else client IP), whatever the method.</summary>
    public RateLimitRule? Principal { get; set; }

    /// <summary>Default limit for <c>tools/call</c> of any one tool, counted per principal and tool.</summary>
    public RateLimitRule? Tool { get; set; }

    /// <summary>Per exposed tool name (as clients see it, e.g. <c>everything__echo</c>): replaces <see cref="Tool"/> for that tool.</summary>
    public IDictionary<string, RateLimitRule> Tools { get; set; } = new Dictionary<string, RateLimitRule>(StringComparer.Ordinal);

    /// <summary>
    /// JSON-RPC methods that are never counted (default: <c>ping</c>). Notifications (cancellation must always get
    /// through) and client responses are never counted either way.
    /// </summary>
    public IList<string>? ExemptMethods { get; set; }

    /// <summary>Where the buckets live.</summary>
    public RateLimitStoreKind Store { get; set; } = RateLimitStoreKind.Auto;

    /// <summary>
    /// Upper bound on one Redis check (the Redis client's command timeout in the gateway). When Redis is slow or
    /// down, requests are let through after at most this long (fail open).
    /// </summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>While the store fails, at most one warning per this interval (every failure is counted in a metric).</summary>
    public TimeSpan FailureLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>True when enabled and at least one limit is defined.</summary>
    internal bool HasLimits => Enabled && (Principal is not null || Tool is not null || Tools.Count > 0);

    /// <summary>The exempt methods in effect.</summary>
    internal IEnumerable<string> EffectiveExemptMethods => (IEnumerable<string>?)ExemptMethods ?? DefaultExemptMethods;
}
