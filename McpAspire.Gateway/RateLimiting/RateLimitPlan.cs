using StackExchange.Redis;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// The buckets one request draws from: the principal's, the principal's for its tool, or both (checked and taken
/// together: a token is taken from both or from neither). Built once per rule combination at start-up, with the Lua
/// script's arguments, so a check allocates no argument arrays of its own.
/// </summary>
internal sealed class RateLimitPlan
{
    public RateLimitPlan(RateLimitRule? principal, RateLimitRule? tool)
    {
        if (principal is null && tool is null)
        {
            throw new ArgumentException("A plan needs at least one rule.");
        }
        Principal = principal;
        Tool = tool;
        var arguments = new List<RedisValue>(6);
        foreach (var rule in new[] { principal, tool })
        {
            if (rule is not null)
            {
                arguments.Add(rule.Limit);
                arguments.Add(rule.WindowMilliseconds);
                arguments.Add(rule.Capacity);
            }
        }
        ScriptArguments = [.. arguments];
    }

    public RateLimitRule? Principal { get; }

    public RateLimitRule? Tool { get; }

    /// <summary><c>limit, windowMs, burst</c> per key, in key order (principal first).</summary>
    public RedisValue[] ScriptArguments { get; }

    /// <summary>The scope of the script's 1-based key index.</summary>
    public RateLimitScope ScopeOfKey(long index) => index == 1 && Principal is not null ? RateLimitScope.Principal : RateLimitScope.Tool;

    /// <summary>The rule of a scope.</summary>
    public RateLimitRule RuleOf(RateLimitScope scope) =>
        (scope == RateLimitScope.Principal ? Principal : Tool) ?? throw new ArgumentOutOfRangeException(nameof(scope), scope, "This plan has no such rule.");
}
