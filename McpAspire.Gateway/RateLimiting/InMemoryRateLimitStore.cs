using System.Collections.Concurrent;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// Buckets in this process, for a gateway without Redis: the same semantics as <see cref="RedisRateLimitStore"/>, but
/// each replica counts alone, so N replicas allow up to N times the limit. Idle buckets are swept once a minute.
/// </summary>
internal sealed class InMemoryRateLimitStore : IRateLimitStore, IDisposable
{
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly ITimer _sweeper;

    public InMemoryRateLimitStore(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
        _sweeper = time.CreateTimer(static state => ((InMemoryRateLimitStore)state!).Sweep(), this, s_sweepInterval, s_sweepInterval);
    }

    /// <summary>Buckets currently held (for tests).</summary>
    public int Count => _buckets.Count;

    public ValueTask<RateLimitDecision> AcquireAsync(string principal, string? tool, RateLimitPlan plan, CancellationToken cancellationToken)
    {
        var principalKey = plan.Principal is null ? null : RateLimitKeys.PrincipalKey(principal);
        var toolKey = plan.Tool is null ? null : RateLimitKeys.ToolKey(principal, tool!);
        while (true)
        {
            var first = _buckets.GetOrAdd(principalKey ?? toolKey!, static _ => new TokenBucket());
            var second = principalKey is not null && toolKey is not null ? _buckets.GetOrAdd(toolKey, static _ => new TokenBucket()) : null;
            // Always the principal's bucket first, so two checks never wait for each other's second lock.
            lock (first)
            {
                if (first.Removed)
                {
                    continue;
                }
                if (second is null)
                {
                    return ValueTask.FromResult(Decide(plan, first, null, Now()));
                }
                lock (second)
                {
                    if (second.Removed)
                    {
                        continue;
                    }
                    return ValueTask.FromResult(Decide(plan, first, second, Now()));
                }
            }
        }
    }

    private static RateLimitDecision Decide(RateLimitPlan plan, TokenBucket first, TokenBucket? second, double now)
    {
        var firstRule = plan.Principal ?? plan.Tool!;
        var firstTokens = first.Available(now, firstRule);
        var secondTokens = second is null ? double.PositiveInfinity : second.Available(now, plan.Tool!);
        var firstWait = firstTokens < 1 ? TokenBucket.WaitMilliseconds(firstTokens, firstRule) : 0;
        var secondWait = secondTokens < 1 ? TokenBucket.WaitMilliseconds(secondTokens, plan.Tool!) : 0;
        if (firstWait > 0 || secondWait > 0)
        {
            return secondWait > firstWait
                ? new RateLimitDecision(RateLimitOutcome.Rejected, RateLimitScope.Tool, secondWait)
                : new RateLimitDecision(RateLimitOutcome.Rejected, plan.ScopeOfKey(1), firstWait);
        }
        first.Take(now, firstTokens, firstRule);
        second?.Take(now, secondTokens, plan.Tool!);
        return RateLimitDecision.Allowed;
    }

    private double Now() => _time.GetElapsedTime(_origin).TotalMilliseconds;

    /// <summary>Drops buckets that are full again (internal for tests; the timer calls it once a minute).</summary>
    internal void Sweep()
    {
        var now = Now();
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (bucket.ExpiresAt <= now)
                {
                    bucket.Removed = true;
                    _buckets.TryRemove(new KeyValuePair<string, TokenBucket>(key, bucket));
                }
            }
        }
    }

    public void Dispose() => _sweeper.Dispose();
}
