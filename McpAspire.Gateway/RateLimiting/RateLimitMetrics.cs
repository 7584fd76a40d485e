using System.Diagnostics.Metrics;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// Rate-limit instruments on the <c>McpAspire.Gateway</c> meter: <c>mcp.gateway.ratelimit.rejections</c> (tag
/// <c>mcp.gateway.ratelimit.scope</c> = principal | tool) and <c>mcp.gateway.ratelimit.store_failures</c> (requests let
/// through because the store could not answer; tag <c>error.type</c>).
/// </summary>
internal sealed class RateLimitMetrics
{
    public const string ScopeTag = "mcp.gateway.ratelimit.scope";

    private static readonly KeyValuePair<string, object?> s_principal = new(ScopeTag, "principal");
    private static readonly KeyValuePair<string, object?> s_tool = new(ScopeTag, "tool");
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _storeFailures;

    public RateLimitMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Diagnostics.GatewayMetrics.Name);
        _rejections = meter.CreateCounter<long>("mcp.gateway.ratelimit.rejections", "{request}", "Requests the gateway answered 429 because a rate limit was reached.");
        _storeFailures = meter.CreateCounter<long>("mcp.gateway.ratelimit.store_failures", "{request}", "Requests let through unchecked because the rate-limit store could not answer (fail open).");
    }

    public void Rejected(RateLimitScope scope) => _rejections.Add(1, scope == RateLimitScope.Tool ? s_tool : s_principal);

    public void StoreFailed(string errorType) => _storeFailures.Add(1, new KeyValuePair<string, object?>("error.type", errorType));
}
