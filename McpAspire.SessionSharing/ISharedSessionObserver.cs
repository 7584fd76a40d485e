namespace McpAspire.SessionSharing;

/// <summary>
/// Told about the shared sessions of this replica: register any number as singletons
/// (<c>services.AddSingleton&lt;ISharedSessionObserver, T&gt;()</c>). The gateway uses it to record, per session, the MCP
/// client state of its downstreams and keep those records current while it holds the session.
/// </summary>
public interface ISharedSessionObserver
{
    /// <summary>A session was initialized here and its record stored (failures are the observer's to log, not to throw).</summary>
    ValueTask SessionCreatedAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>This replica now holds a live copy of the session (created or migrated here).</summary>
    void SessionHeld(string sessionId);

    /// <summary>This replica's copy of the session ended (deleted, idle, or the replica is stopping).</summary>
    void SessionReleased(string sessionId);
}
