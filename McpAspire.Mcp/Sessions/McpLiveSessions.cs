using System.Diagnostics.CodeAnalysis;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Sessions;

/// <summary>
/// The Streamable HTTP sessions live on this replica, for code that sends a session messages no request asked for
/// (list_changed, resource updates, forwarded log messages). A handler's <c>request.Server</c> is bound to that
/// request's POST stream, so a notification sent through it later lands on that stream, if it is still open, instead of
/// the session's GET stream; the session's own server sends it where unsolicited messages belong.
/// </summary>
public sealed class McpLiveSessions
{
    private readonly McpLiveSessionRegistry _registry;

    internal McpLiveSessions(McpLiveSessionRegistry registry) => _registry = registry;

    /// <summary>
    /// Every initialized session live on this replica, with its own server: those that only opened their GET stream
    /// too, so a broadcast (list_changed) reaches every session, not only those that made a request since.
    /// </summary>
    public IEnumerable<(string SessionId, McpServer Server)> All()
    {
        foreach (var session in _registry.All)
        {
            if (session.Recorded && !session.IsDisposed && session.Server is { } server)
            {
                yield return (session.Id, server);
            }
        }
    }

    /// <summary>The session's own server when the session is live on this replica and not disposed.</summary>
    public bool TryGetServer(string sessionId, [NotNullWhen(true)] out McpServer? server)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (_registry.TryGet(sessionId, out var session) && !session.IsDisposed && session.Server is { } s)
        {
            server = s;
            return true;
        }
        server = null;
        return false;
    }
}
