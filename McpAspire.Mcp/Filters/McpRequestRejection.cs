using System.Text.Json.Nodes;

namespace McpAspire.Mcp.Filters;

/// <summary>
/// How a <see cref="IMcpRequestFilter"/> answers a message it rejects: an HTTP status with a JSON-RPC error body
/// (<c>{"jsonrpc":"2.0","id":…,"error":{"code","message","data"}}</c>) and, when set, a <c>Retry-After</c> header in
/// whole seconds rounded up.
/// </summary>
public sealed class McpRequestRejection
{
    /// <summary>HTTP status, e.g. 429.</summary>
    public required int StatusCode { get; init; }

    /// <summary>JSON-RPC error code.</summary>
    public required int ErrorCode { get; init; }

    /// <summary>JSON-RPC error message.</summary>
    public required string Message { get; init; }

    /// <summary>Optional JSON-RPC error <c>data</c>.</summary>
    public JsonNode? Data { get; init; }

    /// <summary>When the client may retry; written as <c>Retry-After</c> seconds (at least 1).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
