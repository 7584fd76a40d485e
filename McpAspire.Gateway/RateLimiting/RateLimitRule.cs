namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// One token bucket: <see cref="Limit"/> requests per <see cref="Window"/> on average (tokens flow back continuously,
/// one every <c>Window / Limit</c>), and at most <see cref="Burst"/> back to back after a quiet spell.
/// </summary>
public sealed class RateLimitRule
{
    /// <summary>Requests allowed per <see cref="Window"/> (the sustained rate). At least 1.</summary>
    public int Limit { get; set; }

    /// <summary>The period <see cref="Limit"/> refers to, e.g. <c>00:01:00</c>. At least 1 ms, at most one day.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>Bucket capacity: how many requests may come at once; defaults to <see cref="Limit"/>.</summary>
    public int? Burst { get; set; }

    /// <summary>The bucket capacity in effect.</summary>
    internal int Capacity => Burst ?? Limit;

    /// <summary>The window in whole milliseconds (what the Lua script and the in-process buckets compute with).</summary>
    internal long WindowMilliseconds => (long)Window.TotalMilliseconds;

    /// <summary>How long an idle bucket takes to fill up again; after that its state is the default and may be dropped.</summary>
    internal long RefillMilliseconds => (long)Math.Ceiling((double)Capacity * WindowMilliseconds / Limit);
}
