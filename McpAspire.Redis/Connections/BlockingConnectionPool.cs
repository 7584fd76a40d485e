using System.Collections.Concurrent;

namespace McpAspire.Redis.Connections;

/// <summary>
/// Dedicated connections for commands that would stall the shared socket (BLPOP, WAIT…) and for WATCH-guarded
/// transactions, which need a connection of their own. A few idle ones are kept; the rest are closed after use.
/// </summary>
internal sealed class BlockingConnectionPool : IAsyncDisposable
{
    private const int MaxIdle = 4;
    private readonly ConnectionMultiplexer _owner;
    private readonly ConcurrentBag<PhysicalConnection> _idle = [];
    private volatile bool _disposed;

    public BlockingConnectionPool(ConnectionMultiplexer owner) => _owner = owner;

    /// <summary>An exclusive connection (no per-command timeout: callers bound it with their token); give it back with <see cref="Return"/>.</summary>
    public async Task<PhysicalConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsAlive && idle.PendingCount == 0)
            {
                return idle;
            }
            await idle.DisposeAsync().ConfigureAwait(false);
        }
        return await _owner.ConnectAnyAsync(ConnectionType.Interactive, null, enableTimeouts: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps a healthy, quiet connection for reuse; closes anything else.</summary>
    public void Return(PhysicalConnection connection, bool reusable)
    {
        if (!_disposed && reusable && connection.IsAlive && connection.PendingCount == 0 && _idle.Count < MaxIdle)
        {
            _idle.Add(connection);
            return;
        }
        _ = connection.DisposeAsync().AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
