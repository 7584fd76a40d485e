using System.Collections.Concurrent;

namespace McpAspire.SessionSharing;

/// <summary>
/// The shared (Streamable HTTP) sessions this replica holds a live SDK server for: added when one is initialized or
/// migrated here, removed when the SDK ends it. <see cref="UnsolicitedMessageRecorder"/> records only their messages, so
/// a legacy SSE session (which has an id too, but lives in one process) keeps its own stream.
/// </summary>
public sealed class LocalSharedSessions
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    /// <summary>Sessions held now.</summary>
    public int Count => _ids.Count;

    /// <summary>Marks a session as shared and live here.</summary>
    public void Add(string sessionId) => _ids.TryAdd(sessionId, 0);

    /// <summary>Forgets a session (its SDK server ended).</summary>
    public void Remove(string? sessionId)
    {
        if (sessionId is not null)
        {
            _ids.TryRemove(sessionId, out _);
        }
    }

    /// <summary>True when the session is a shared one live here.</summary>
    public bool Contains(string? sessionId) => sessionId is not null && _ids.ContainsKey(sessionId);
}
