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
    /// <summary>How long a legacy message for a session id not registered yet waits for its session to start.</summary>
    internal static readonly TimeSpan LegacyArrivalWait = TimeSpan.FromSeconds(2);

    private const int MaxArrivalWaiters = 1024;
    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the registry.</summary>
    public LiveSessions(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

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
        if (_arrivals.TryRemove(id, out var arrival))
        {
            arrival.TrySetResult();
        }
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

    /// <summary>
    /// <see cref="IsLegacySessionOf"/>, waiting up to <see cref="LegacyArrivalWait"/> for a session id not registered
    /// yet: the SDK writes a legacy stream's <c>endpoint</c> event before it starts the session's
    /// <c>RunSessionHandler</c>, so a fast client's first message can arrive before the session is registered here.
    /// </summary>
    public async Task<bool> IsLegacySessionOfAsync(string sessionId, ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (IsLegacySessionOf(sessionId, user))
        {
            return true;
        }
        if (string.IsNullOrEmpty(sessionId) || _sessions.ContainsKey(sessionId) || _arrivals.Count >= MaxArrivalWaiters)
        {
            return false;
        }
        var arrival = _arrivals.GetOrAdd(sessionId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            if (!_sessions.ContainsKey(sessionId))
            {
                await arrival.Task.WaitAsync(LegacyArrivalWait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _arrivals.TryRemove(KeyValuePair.Create(sessionId, arrival));
        }
        return IsLegacySessionOf(sessionId, user);
    }
}
