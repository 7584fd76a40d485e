using System.Globalization;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// The gateway's rate limits, asked by <see cref="RateLimitMiddleware"/> for every JSON-RPC request a client POSTs to
/// the MCP paths (both eras and legacy SSE): every counted request takes a token from its principal's bucket and, for
/// <c>tools/call</c>, from the principal's bucket for that tool; when one is empty the answer is HTTP 429 with
/// <c>Retry-After</c> and JSON-RPC error <see cref="ErrorCode"/>. If the store cannot answer, the request goes through
/// (fail open: an outage of Redis must not take the gateway down), counted and logged at most once per interval.
/// </summary>
internal sealed partial class RateLimitFilter
{
    /// <summary>JSON-RPC error code of a rate-limited request (in the implementation-defined server error range).</summary>
    public const int ErrorCode = -32029;

    private readonly RateLimitPolicy _policy;
    private readonly IRateLimitStore _store;
    private readonly RateLimitMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RateLimitFilter> _logger;
    private readonly long _logIntervalTicks;
    private long _nextFailureLog;

    public RateLimitFilter(IOptions<RateLimitOptions> options, IRateLimitStore store, RateLimitMetrics metrics, TimeProvider time, ILogger<RateLimitFilter> logger)
    {
        _policy = new RateLimitPolicy(options.Value);
        _store = store;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _logIntervalTicks = (long)(options.Value.FailureLogInterval.TotalSeconds * time.TimestampFrequency);
        _nextFailureLog = time.GetTimestamp();
    }

    /// <summary>Null to let the request through, or the rejection to answer with.</summary>
    public ValueTask<RateLimitRejection?> OnRequestAsync(HttpContext context, string method, string? toolName, CancellationToken cancellationToken)
    {
        var tool = RateLimitPolicy.ToolNameOf(method, toolName);
        var plan = _policy.Resolve(method, tool);
        return plan is null ? ValueTask.FromResult<RateLimitRejection?>(null) : CheckAsync(context, method, plan, tool, cancellationToken);
    }

    private async ValueTask<RateLimitRejection?> CheckAsync(HttpContext context, string method, RateLimitPlan plan, string? tool, CancellationToken cancellationToken)
    {
        RateLimitDecision decision;
        try
        {
            decision = await _store.AcquireAsync(RateLimitKeys.PrincipalOf(context), tool, plan, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or InvalidCastException)
        {
            StoreFailed(ex.GetType().Name, ex);
            return null;
        }
        switch (decision.Outcome)
        {
            case RateLimitOutcome.Allowed:
                return null;
            case RateLimitOutcome.StoreUnavailable:
                StoreFailed("not_connected", null);
                return null;
        }
        _metrics.Rejected(decision.Scope);
        var rule = plan.RuleOf(decision.Scope);
        var scope = decision.Scope == RateLimitScope.Tool ? "tool" : "principal";
        var retryAfter = TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds);
        LogRejected(_logger, scope, method, tool, decision.RetryAfterMilliseconds);
        var data = new JsonObject
        {
            ["retryAfterMs"] = decision.RetryAfterMilliseconds,
            ["limit"] = rule.Limit,
            ["windowMs"] = rule.WindowMilliseconds,
            ["burst"] = rule.Capacity,
            ["scope"] = scope,
        };
        if (decision.Scope == RateLimitScope.Tool)
        {
            data["tool"] = tool;
        }
        return new RateLimitRejection
        {
            Message = string.Create(CultureInfo.InvariantCulture,
                $"Rate limit exceeded: {rule.Limit} requests per {rule.Window} {(decision.Scope == RateLimitScope.Tool ? $"for tool '{tool}'" : "for this principal")}; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s."),
            Data = data,
            RetryAfter = retryAfter,
        };
    }

    private void StoreFailed(string errorType, Exception? exception)
    {
        _metrics.StoreFailed(errorType);
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextFailureLog);
        if (now >= next && Interlocked.CompareExchange(ref _nextFailureLog, now + _logIntervalTicks, next) == next)
        {
            LogStoreFailed(_logger, exception, errorType);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate-limit store unavailable ({ErrorType}): requests are let through unchecked (fail open) until it answers again; this warning repeats at most once per interval")]
    private static partial void LogStoreFailed(ILogger logger, Exception? exception, string errorType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rate limit ({Scope}) reached for {Method} {Tool}: retry after {RetryAfterMs} ms")]
    private static partial void LogRejected(ILogger logger, string scope, string method, string? tool, long retryAfterMs);
}
