using System.Text.Json.Nodes;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>
/// A rate-limited request's answer: HTTP 429 with <c>Retry-After</c> (whole seconds, rounded up) and JSON-RPC error
/// <see cref="RateLimitFilter.ErrorCode"/> with <see cref="Message"/> and <see cref="Data"/>.
/// </summary>
internal sealed class RateLimitRejection
{
    /// <summary>JSON-RPC error message.</summary>
    public required string Message { get; init; }

    /// <summary>JSON-RPC error <c>data</c> (limit, window, burst, scope, tool, retryAfterMs).</summary>
    public required JsonNode Data { get; init; }

    /// <summary>When the client may retry.</summary>
    public required TimeSpan RetryAfter { get; init; }
}
