using McpAspire.Gateway.RateLimiting;

namespace McpAspire.Gateway.Tests.RateLimiting;

/// <summary>The in-process store (a gateway without Redis) on a manual clock: the same token bucket as the Lua script.</summary>
public sealed class InMemoryRateLimitStoreTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private static RateLimitRule Rule(int limit, TimeSpan window, int? burst = null) => new() { Limit = limit, Window = window, Burst = burst };

    [Fact]
    public async Task Burst_then_one_token_per_window_over_limit_with_the_exact_wait()
    {
        var clock = new ManualClock();
        using var store = new InMemoryRateLimitStore(clock);
        var plan = new RateLimitPlan(Rule(1, TimeSpan.FromSeconds(1), burst: 3), null);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("p", null, plan, default)).Outcome);
        }
        Assert.Equal(new RateLimitDecision(RateLimitOutcome.Rejected, RateLimitScope.Principal, 1000), await store.AcquireAsync("p", null, plan, default));
        clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(new RateLimitDecision(RateLimitOutcome.Rejected, RateLimitScope.Principal, 600), await store.AcquireAsync("p", null, plan, default));
        clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("p", null, plan, default)).Outcome);
        Assert.Equal(RateLimitOutcome.Rejected, (await store.AcquireAsync("p", null, plan, default)).Outcome);
        // Another principal is untouched.
        Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("q", null, plan, default)).Outcome);
    }

    [Fact]
    public async Task A_tool_rejection_takes_nothing_from_the_principal_and_idle_buckets_are_swept()
    {
        var clock = new ManualClock();
        using var store = new InMemoryRateLimitStore(clock);
        var principal = Rule(3, TimeSpan.FromHours(1));
        var both = new RateLimitPlan(principal, Rule(1, TimeSpan.FromHours(1)));
        var principalOnly = new RateLimitPlan(principal, null);

        Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("p", "echo", both, default)).Outcome);
        var rejected = await store.AcquireAsync("p", "echo", both, default);
        Assert.Equal(RateLimitScope.Tool, rejected.Scope);
        Assert.Equal(3_600_000, rejected.RetryAfterMilliseconds);
        Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("p", "other", both, default)).Outcome);
        Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("p", null, principalOnly, default)).Outcome); // 3rd of 3
        var principalRejected = await store.AcquireAsync("p", "third", both, default);
        Assert.Equal(RateLimitScope.Principal, principalRejected.Scope);
        Assert.Equal(4, store.Count); // p, p+echo, p+other, and the untouched (full) bucket looked up for p+third

        store.Sweep();
        Assert.Equal(3, store.Count); // a bucket nothing was taken from is dropped at once
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(2)); // a full refill (3 × 20 min) plus the 1 s margin
        store.Sweep();
        Assert.Equal(0, store.Count);
        Assert.Equal(RateLimitOutcome.Allowed, (await store.AcquireAsync("p", "echo", both, default)).Outcome);
    }

    [Fact]
    public async Task Concurrent_callers_get_exactly_the_burst()
    {
        using var store = new InMemoryRateLimitStore(new ManualClock());
        var plan = new RateLimitPlan(Rule(10, TimeSpan.FromHours(1)), Rule(10, TimeSpan.FromHours(1)));
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var d = await store.AcquireAsync("p", "echo", plan, default);
            if (i % 7 == 0)
            {
                store.Sweep(); // the sweeper racing with callers must not lose or add tokens
            }
            return d.Outcome;
        })));
        Assert.Equal(10, results.Count(o => o == RateLimitOutcome.Allowed));
    }
}
