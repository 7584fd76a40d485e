using System.Collections.Concurrent;
using System.Security.Claims;
using McpAspire.SessionSharing;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Front;

/// <summary>
/// The SDK sessions running on this replica (2025-era Streamable HTTP and legacy SSE), each with its own
/// <see cref="McpServer"/> and the caller it belongs to, registered for as long as the SDK runs it
/// (<c>RunSessionHandler</c>). <see cref="NotificationHub"/> reaches every live session through it (those that only
/// opened their GET stream too), <see cref="SessionOwnerGate"/> answers another caller 404, and the <c>mcp</c> health
/// check reports the counts.
/// </summary>
public sealed class LiveSessions
{
    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);

    private sealed record Entry(McpServer Server, string Owner, bool Legacy);

    /// <summary>Sessions running now.</summary>
    public int Count => _sessions.Count;

    /// <summary>Legacy SSE sessions among them.</summary>
    public int LegacyCount => _sessions.Count(p => p.Value.Legacy);

    /// <summary>Runs one session (the SDK's <c>RunSessionHandler</c>), registered while it lives.</summary>
    public async Task RunAsync(HttpContext context, McpServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(server);
        var id = server.SessionId;
        if (id is null)
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        // The legacy transport's session starts with its GET (…/sse); everything else is a Streamable HTTP session.
        var legacy = context.Request.Path.Value?.EndsWith("/sse", StringComparison.Ordinal) == true;
        var entry = new Entry(server, SharedSessionRecord.UserKey(context.User), legacy);
        _sessions[id] = entry;
        try
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sessions.TryRemove(KeyValuePair.Create(id, entry));
        }
    }

    /// <summary>The session's own server (its messages go to the session's GET stream), when it runs here.</summary>
    public bool TryGetServer(string sessionId, out McpServer server)
    {
        if (_sessions.TryGetValue(sessionId, out var entry))
        {
            server = entry.Server;
            return true;
        }
        server = null!;
        return false;
    }

    /// <summary>Every live session of this replica.</summary>
    public IEnumerable<(string Id, McpServer Server)> All() => _sessions.Select(p => (p.Key, p.Value.Server));

    /// <summary>True when the session runs here and belongs to another caller than <paramref name="user"/>.</summary>
    public bool BelongsToAnother(string sessionId, ClaimsPrincipal? user) =>
        _sessions.TryGetValue(sessionId, out var entry) && !string.Equals(entry.Owner, SharedSessionRecord.UserKey(user), StringComparison.Ordinal);

    /// <summary>True when a legacy SSE session with this id runs here and belongs to <paramref name="user"/>.</summary>
    public bool IsLegacySessionOf(string sessionId, ClaimsPrincipal? user) =>
        _sessions.TryGetValue(sessionId, out var entry) && entry.Legacy
        && string.Equals(entry.Owner, SharedSessionRecord.UserKey(user), StringComparison.Ordinal);
}
