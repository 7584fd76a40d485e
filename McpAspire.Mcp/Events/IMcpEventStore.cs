namespace McpAspire.Mcp.Events;

/// <summary>
/// Server→client events of 2025-era sessions, per session and stream (a POST response stream is named after its
/// request id; the GET stream has its own name), kept so a client can resume with <c>Last-Event-ID</c> on any replica.
/// Event ids on the wire are built by <see cref="McpEventId"/> from (session, stream, sequence).
/// </summary>
public interface IMcpEventStore
{
    /// <summary>Appends an event and returns its sequence number (increasing per stream); appending reopens a completed stream.</summary>
    ValueTask<long> AppendAsync(string sessionId, string streamId, ReadOnlyMemory<byte> data, TimeSpan? retryAfter, CancellationToken cancellationToken);

    /// <summary>Marks a stream finished: readers that follow it stop after its last event.</summary>
    ValueTask CompleteAsync(string sessionId, string streamId, CancellationToken cancellationToken);

    /// <summary>True when the stream exists (has at least one retained event or was created).</summary>
    ValueTask<bool> ExistsAsync(string sessionId, string streamId, CancellationToken cancellationToken);

    /// <summary>
    /// Events after <paramref name="afterSequence"/>; with <paramref name="follow"/> it keeps waiting for new events
    /// until the stream is completed or the token is cancelled.
    /// </summary>
    IAsyncEnumerable<McpStoredEvent> ReadAfterAsync(string sessionId, string streamId, long afterSequence, bool follow, CancellationToken cancellationToken);

    /// <summary>Drops every stream of a session (on DELETE or expiry).</summary>
    ValueTask DeleteSessionAsync(string sessionId, CancellationToken cancellationToken);
}
