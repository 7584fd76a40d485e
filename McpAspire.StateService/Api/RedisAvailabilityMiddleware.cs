using StackExchange.Redis;
using McpAspire.StateService.Telemetry;

namespace McpAspire.StateService.Api;

/// <summary>
/// Fails API requests at once with 503 while Redis is disconnected, instead of letting each one wait out the
/// client's reconnect window: callers learn about the outage in microseconds and can retry elsewhere or later.
/// Health, stats, OpenAPI and the change stream stay reachable.
/// </summary>
public sealed class RedisAvailabilityMiddleware
{
    private static readonly PathString[] s_alwaysAvailable = ["/health", "/alive", "/stats", "/openapi", "/events"];
    private readonly RequestDelegate _next;
    private readonly IConnectionMultiplexer _redis;
    private readonly StateMetrics _metrics;

    /// <summary>Creates the middleware.</summary>
    public RedisAvailabilityMiddleware(RequestDelegate next, IConnectionMultiplexer redis, StateMetrics metrics)
    {
        _next = next;
        _redis = redis;
        _metrics = metrics;
    }

    /// <summary>Short-circuits with 503 problem+json when Redis is down.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_redis.IsConnected || Array.Exists(s_alwaysAvailable, p => context.Request.Path.StartsWithSegments(p)))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }
        _metrics.Failed();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        await TypedResults.Problem("Redis is unreachable; the state service is retrying the connection. Retry shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "State store unavailable").ExecuteAsync(context).ConfigureAwait(false);
    }
}
