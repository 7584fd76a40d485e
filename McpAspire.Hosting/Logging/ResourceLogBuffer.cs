using System.Threading.Channels;

namespace McpAspire.Hosting.Logging;

/// <summary>
/// The last <see cref="Capacity"/> console lines of one resource (all replicas), plus live subscribers. Bounded so a
/// chatty service cannot grow the AppHost's memory; a slow subscriber loses its oldest unread lines, not the AppHost.
/// </summary>
public sealed class ResourceLogBuffer
{
    private readonly LogLine[] _ring;
    private readonly List<Channel<LogLine>> _subscribers = [];
    private readonly Lock _lock = new();
    private long _count;

    /// <summary>Creates a buffer.</summary>
    public ResourceLogBuffer(int capacity = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new LogLine[capacity];
    }

    /// <summary>Lines kept.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Appends a line and hands it to subscribers.</summary>
    public void Add(LogLine line)
    {
        lock (_lock)
        {
            _ring[_count % _ring.Length] = line;
            _count++;
            foreach (var s in _subscribers)
            {
                s.Writer.TryWrite(line);
            }
        }
    }

    /// <summary>The buffered lines, oldest first (at most <paramref name="max"/> of the newest).</summary>
    public IReadOnlyList<LogLine> Snapshot(int max = int.MaxValue)
    {
        lock (_lock)
        {
            var n = (int)Math.Min(Math.Min(_count, _ring.Length), max);
            var result = new LogLine[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = _ring[(_count - n + i) % _ring.Length];
            }
            return result;
        }
    }

    /// <summary>Buffered lines first, then live ones until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<LogLine> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(_ring.Length) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        IReadOnlyList<LogLine> backlog;
        lock (_lock)
        {
            backlog = Snapshot();
            _subscribers.Add(channel);
        }
        try
        {
            foreach (var line in backlog)
            {
                yield return line;
            }
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var line))
                {
                    yield return line;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
