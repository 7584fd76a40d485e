using System.Collections.Concurrent;

namespace McpAspire.Mcp.Sessions;

/// <summary>Live sessions of this replica by id.</summary>
internal sealed class McpLiveSessionRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpLiveSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hydrationLocks = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public bool TryGet(string id, out McpLiveSession session) => _sessions.TryGetValue(id, out session!);

    public bool TryAdd(McpLiveSession session) => _sessions.TryAdd(session.Id, session);

    public async ValueTask<bool> RemoveAsync(string id)
    {
        if (_sessions.TryRemove(id, out var session))
        {
            await session.DisposeAsync().ConfigureAwait(false);
            return true;
        }
        return false;
    }

    public IEnumerable<McpLiveSession> All => _sessions.Values;

    /// <summary>Serializes re-hydration of one session id so concurrent requests build one live server.</summary>
    public SemaphoreSlim HydrationLock(string id) => _hydrationLocks.GetOrAdd(id, static _ => new SemaphoreSlim(1, 1));

    public void ReleaseHydrationLock(string id) => _hydrationLocks.TryRemove(id, out _);

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            await RemoveAsync(id).ConfigureAwait(false);
        }
    }
}
