namespace McpAspire.Mcp.Events;

/// <summary>One server→client SSE event kept for replay.</summary>
/// <param name="Sequence">Position in its stream, increasing from 1.</param>
/// <param name="Data">The JSON-RPC message as UTF-8 JSON; empty for a priming event (id and retry only).</param>
/// <param name="RetryAfter">The SSE <c>retry</c> value carried by the event, if any.</param>
public readonly record struct McpStoredEvent(long Sequence, ReadOnlyMemory<byte> Data, TimeSpan? RetryAfter);
