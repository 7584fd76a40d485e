namespace McpAspire.Mcp.Sessions;

/// <summary>
/// Durable session records for 2025-era Streamable HTTP sessions. The endpoint keeps a live <c>McpServer</c> per session
/// in the process that serves it, but the record here is the truth: a replica that does not hold the live server
/// re-hydrates it from the record (see README, "Sessions across replicas"). The in-memory implementation serves one
/// process; the gateway plugs in one backed by the state service.
/// </summary>
public interface IMcpSessionStore
{
    /// <summary>Stores a new session record.</summary>
    ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken);

    /// <summary>Returns the record (sliding its idle expiry), or null when unknown or expired.</summary>
    ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Slides the idle expiry; false when the session no longer exists.</summary>
    ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Deletes the record; false when it did not exist.</summary>
    ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken);
}
