using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using McpAspire.Mcp.Hosting;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Events;

/// <summary>
/// Events in this process: at most <see cref="McpEndpointOptions.MaxEventsPerStream"/> per stream and
/// <see cref="McpEndpointOptions.MaxStreamsPerSession"/> streams per session (every request POST opens one; the oldest
/// finished streams are dropped first), so a long session cannot grow without bound.
/// </summary>
public sealed class InMemoryMcpEventStore(IOptions<McpEndpointOptions> options) : IMcpEventStore
{
    private readonly ConcurrentDictionary<string, SessionStreams> _sessions = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.MaxEventsPerStream;
    private readonly int _maxStreams = options.Value.MaxStreamsPerSession;

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(string sessionId, string streamId, ReadOnlyMemory<byte> data, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var stream = GetOrCreate(sessionId, streamId);
        return ValueTask.FromResult(stream.Append(data, retryAfter, _capacity));
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(string sessionId, string streamId, CancellationToken cancellationToken)
    {
        if (Find(sessionId, streamId) is { } stream)
        {
            stream.Complete();
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string sessionId, string streamId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(sessionId, streamId) is not null);

    /// <inheritdoc />
    public async IAsyncEnumerable<McpStoredEvent> ReadAfterAsync(string sessionId, string streamId, long afterSequence, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = Find(sessionId, streamId);
        if (stream is null)
        {
            yield break;
        }
        var position = afterSequence;
        while (true)
        {
            var (batch, completed, changed) = stream.Snapshot(position);
            foreach (var item in batch)
            {
                position = item.Sequence;
                yield return item;
            }
            if (!follow || completed)
            {
                yield break;
            }
            if (batch.Count == 0)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryRemove(sessionId, out var streams))
        {
            foreach (var stream in streams.Values)
            {
                stream.Complete();
            }
        }
        return ValueTask.CompletedTask;
    }

    private EventStream GetOrCreate(string sessionId, string streamId) =>
        _sessions.GetOrAdd(sessionId, static _ => new SessionStreams()).GetOrAdd(streamId, _maxStreams);

    private EventStream? Find(string sessionId, string streamId) =>
        _sessions.TryGetValue(sessionId, out var streams) && streams.Streams.TryGetValue(streamId, out var stream) ? stream : null;

    /// <summary>One session's streams in creation order.</summary>
    private sealed class SessionStreams
    {
        private readonly Lock _gate = new();
        private readonly LinkedList<string> _order = new();

        public ConcurrentDictionary<string, EventStream> Streams { get; } = new(StringComparer.Ordinal);

        public IEnumerable<EventStream> Values => Streams.Values;

        public EventStream GetOrAdd(string streamId, int maxStreams)
        {
            if (Streams.TryGetValue(streamId, out var existing))
            {
                return existing;
            }
            lock (_gate)
            {
                if (Streams.TryGetValue(streamId, out existing))
                {
                    return existing;
                }
                var created = new EventStream();
                Streams[streamId] = created;
                _order.AddLast(streamId);
                // Drop the oldest finished streams beyond the cap; streams still being written are kept.
                for (var node = _order.First; node is not null && Streams.Count > maxStreams;)
                {
                    var next = node.Next;
                    if (Streams.TryGetValue(node.Value, out var candidate) && candidate.IsCompleted)
                    {
                        Streams.TryRemove(node.Value, out _);
                        _order.Remove(node);
                    }
                    node = next;
                }
                return created;
            }
        }
    }

    /// <summary>A capped list of events plus a signal that fires on every append or completion.</summary>
    private sealed class EventStream
    {
        private readonly Lock _gate = new();
        private readonly Queue<McpStoredEvent> _events = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _next;
        private bool _completed;

        public bool IsCompleted
        {
            get
            {
                lock (_gate)
                {
                    return _completed;
                }
            }
        }

        public long Append(ReadOnlyMemory<byte> data, TimeSpan? retryAfter, int capacity)
        {
            TaskCompletionSource changed;
            long sequence;
            lock (_gate)
            {
                sequence = ++_next;
                _completed = false; // a new writer on the same stream (the next GET of a session) reopens it
                _events.Enqueue(new McpStoredEvent(sequence, data.ToArray(), retryAfter));
                while (_events.Count > capacity)
                {
                    _events.Dequeue();
                }
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            changed.TrySetResult();
            return sequence;
        }

        public void Complete()
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _completed = true;
                changed = _changed;
            }
            changed.TrySetResult();
        }

        public (List<McpStoredEvent> Batch, bool Completed, Task Changed) Snapshot(long after)
        {
            lock (_gate)
            {
                var batch = new List<McpStoredEvent>();
                foreach (var item in _events)
                {
                    if (item.Sequence > after)
                    {
                        batch.Add(item);
                    }
                }
                return (batch, _completed, _changed.Task);
            }
        }
    }
}
