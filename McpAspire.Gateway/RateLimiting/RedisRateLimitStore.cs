using StackExchange.Redis;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>Buckets in Redis, shared by every gateway replica: one EVALSHA of <see cref="TokenBucketScript"/> per check.</summary>
internal sealed class RedisRateLimitStore(IConnectionMultiplexer redis) : IRateLimitStore
{
    private readonly IDatabase _database = redis.GetDatabase();

    public async ValueTask<RateLimitDecision> AcquireAsync(string principal, string? tool, RateLimitPlan plan, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            // Reconnecting: answer at once instead of queueing behind the reconnect for the command timeout.
            return RateLimitDecision.Unavailable;
        }
        RedisKey[] keys = plan.Principal is null
            ? [RateLimitKeys.ToolKey(principal, tool!)]
            : plan.Tool is null
                ? [RateLimitKeys.PrincipalKey(principal)]
                : [RateLimitKeys.PrincipalKey(principal), RateLimitKeys.ToolKey(principal, tool!)];
        // StackExchange.Redis loads the script once per server (SCRIPT LOAD, pipelined) and sends EVALSHA after that.
        var reply = await _database.ScriptEvaluateAsync(TokenBucketScript.Source, keys, plan.ScriptArguments).ConfigureAwait(false);
        if (reply.Length != 3)
        {
            throw new RedisException($"The rate-limit script answered '{reply}' instead of three integers.");
        }
        return (long)reply[0] == 1
            ? RateLimitDecision.Allowed
            : new RateLimitDecision(RateLimitOutcome.Rejected, plan.ScopeOfKey((long)reply[1]), (long)reply[2]);
    }
}
