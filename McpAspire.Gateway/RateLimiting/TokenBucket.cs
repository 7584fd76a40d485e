namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// One in-process bucket, the same arithmetic as <see cref="TokenBucketScript"/> (times in ms on one process-wide
/// monotonic clock). Callers lock the instance around a check and take.
/// </summary>
internal sealed class TokenBucket
{
    private double _tokens = double.NaN;
    private double _stamp;

    /// <summary>When an untouched bucket is full again (and so equal to a new one): the sweeper drops it then.</summary>
    public double ExpiresAt { get; private set; }

    /// <summary>Set by the sweeper under the lock: a caller holding a removed bucket looks it up again.</summary>
    public bool Removed { get; set; }

    /// <summary>Tokens available at <paramref name="now"/> (no change to the bucket).</summary>
    public double Available(double now, RateLimitRule rule)
    {
        if (double.IsNaN(_tokens) || now >= ExpiresAt)
        {
            return rule.Capacity;
        }
        return now > _stamp ? Math.Min(rule.Capacity, _tokens + (now - _stamp) * rule.Limit / rule.WindowMilliseconds) : _tokens;
    }

    /// <summary>Takes one token from <paramref name="available"/> (what <see cref="Available"/> just returned).</summary>
    public void Take(double now, double available, RateLimitRule rule)
    {
        _tokens = available - 1;
        _stamp = Math.Max(now, _stamp);
        ExpiresAt = now + rule.RefillMilliseconds + 1000;
    }

    /// <summary>Milliseconds until one token is back.</summary>
    public static long WaitMilliseconds(double available, RateLimitRule rule) =>
        (long)Math.Ceiling((1 - available) * rule.WindowMilliseconds / rule.Limit);
}
