using System.Collections.Concurrent;
using McpAspire.Mcp.Hosting;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Sessions;

/// <summary>Session records in this process, expiring after <see cref="McpEndpointOptions.SessionIdleTimeout"/> of disuse.</summary>
public sealed class InMemoryMcpSessionStore(IOptions<McpEndpointOptions> options, TimeProvider timeProvider) : IMcpSessionStore
{
    private readonly ConcurrentDictionary<string, McpSessionRecord> _records = new(StringComparer.Ordinal);
    private readonly TimeSpan _idleTimeout = options.Value.SessionIdleTimeout;

    /// <summary>Number of stored records (expired ones included until pruned).</summary>
    public int Count => _records.Count;

    /// <inheritdoc />
    public ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_records.TryAdd(record.Id, record))
        {
            throw new InvalidOperationException($"Session {record.Id} already exists.");
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Touch(sessionId));

    /// <inheritdoc />
    public ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Touch(sessionId) is not null);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryRemove(sessionId, out _));

    /// <summary>Removes records idle longer than the timeout; returns their ids.</summary>
    public IReadOnlyList<string> PruneIdle()
    {
        var cutoff = timeProvider.GetUtcNow() - _idleTimeout;
        List<string>? removed = null;
        foreach (var (id, record) in _records)
        {
            if (record.LastSeenAt < cutoff && _records.TryRemove(new KeyValuePair<string, McpSessionRecord>(id, record)))
            {
                (removed ??= []).Add(id);
            }
        }
        return removed ?? (IReadOnlyList<string>)[];
    }

    private McpSessionRecord? Touch(string sessionId)
    {
        var now = timeProvider.GetUtcNow();
        while (_records.TryGetValue(sessionId, out var record))
        {
            if (record.LastSeenAt < now - _idleTimeout)
            {
                _records.TryRemove(new KeyValuePair<string, McpSessionRecord>(sessionId, record));
                return null;
            }
            var touched = record with { LastSeenAt = now };
            if (_records.TryUpdate(sessionId, touched, record))
            {
                return touched;
            }
        }
        return null;
    }
}
