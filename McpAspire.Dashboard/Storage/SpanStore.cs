using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Storage;

/// <summary>
/// Spans grouped by trace, in arrival order of each trace's first span. When more than
/// <see cref="StorageOptions.MaxSpans"/> spans are held, whole oldest traces are evicted, so memory stays bounded
/// and a trace is never shown half-evicted.
/// </summary>
public sealed class SpanStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TraceRecord> _traces = new(StringComparer.Ordinal);
    private readonly List<TraceRecord> _order = [];
    private readonly int _maxSpans;
    private int _head;
    private int _spanCount;
    private long _evictedSpans;
    private long _receivedSpans;

    public SpanStore(IOptions<DashboardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxSpans = options.Value.Storage.MaxSpans;
    }

    /// <summary>Spans held now.</summary>
    public int SpanCount { get { lock (_lock) { return _spanCount; } } }

    /// <summary>Traces held now.</summary>
    public int TraceCount { get { lock (_lock) { return _traces.Count; } } }

    /// <summary>Spans evicted since start.</summary>
    public long EvictedSpans => Interlocked.Read(ref _evictedSpans);

    /// <summary>Spans received since start.</summary>
    public long ReceivedSpans => Interlocked.Read(ref _receivedSpans);

    /// <summary>Adds a batch of spans under one lock.</summary>
    public void Add(IReadOnlyList<SpanRecord> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return;
        }
        lock (_lock)
        {
            TraceRecord? last = null;
            foreach (var span in spans)
            {
                // Consecutive spans of one batch usually share a trace; skip the lookup then.
                if (last is null || !string.Equals(last.TraceId, span.TraceId, StringComparison.Ordinal))
                {
                    if (!_traces.TryGetValue(span.TraceId, out last))
                    {
                        last = new TraceRecord(span.TraceId);
                        _traces.Add(span.TraceId, last);
                        _order.Add(last);
                    }
                }
                last.Add(span);
                _spanCount++;
            }
            _receivedSpans += spans.Count;
            EvictOverflow();
        }
    }

    private void EvictOverflow()
    {
        while (_spanCount > _maxSpans && _head < _order.Count)
        {
            var oldest = _order[_head];
            _order[_head] = null!;
            _head++;
            oldest.Evicted = true;
            _traces.Remove(oldest.TraceId);
            _spanCount -= oldest.Spans.Count;
            _evictedSpans += oldest.Spans.Count;
        }
        // Compact the order list once its dead prefix dominates, so it does not grow without bound.
        if (_head > 1024 && _head > _order.Count / 2)
        {
            _order.RemoveRange(0, _head);
            _head = 0;
        }
    }

    /// <summary>Trace rows, newest first, matching the query.</summary>
    public IReadOnlyList<TraceSummary> Query(TraceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var result = new List<TraceSummary>(Math.Min(limit, 64));
        lock (_lock)
        {
            for (var i = _order.Count - 1; i >= _head && result.Count < limit; i--)
            {
                var trace = _order[i];
                if (Matches(trace, query))
                {
                    result.Add(Summarize(trace));
                }
            }
        }
        return result;
    }

    /// <summary>Spans of one trace ordered by start time, or null when unknown or evicted.</summary>
    public IReadOnlyList<SpanRecord>? GetTrace(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        SpanRecord[] spans;
        lock (_lock)
        {
            if (!_traces.TryGetValue(traceId.ToLowerInvariant(), out var trace))
            {
                return null;
            }
            spans = [.. trace.Spans];
        }
        Array.Sort(spans, static (a, b) => a.StartUnixNano.CompareTo(b.StartUnixNano));
        return spans;
    }

    /// <summary>Summary of one trace, or null.</summary>
    public TraceSummary? GetSummary(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        lock (_lock)
        {
            return _traces.TryGetValue(traceId.ToLowerInvariant(), out var trace) ? Summarize(trace) : null;
        }
    }

    private static bool Matches(TraceRecord trace, TraceQuery query)
    {
        if (query.ErrorsOnly && trace.ErrorCount == 0)
        {
            return false;
        }
        if (query.MinDurationMs > 0 && (trace.EndUnixNano - Math.Min(trace.StartUnixNano, trace.EndUnixNano)) / 1e6 < query.MinDurationMs)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Resource) && !trace.Spans.Exists(s => string.Equals(s.Resource, query.Resource, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Text))
        {
            var text = query.Text;
            if (trace.TraceId.StartsWith(text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            foreach (var span in trace.Spans)
            {
                if (span.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
                foreach (var attribute in span.Attributes)
                {
                    if (attribute.Value.Contains(text, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        return true;
    }

    private static TraceSummary Summarize(TraceRecord trace)
    {
        var root = trace.Root;
        var resources = new List<string>(2);
        foreach (var span in trace.Spans)
        {
            if (!resources.Contains(span.Resource))
            {
                resources.Add(span.Resource);
            }
        }
        var start = Math.Min(trace.StartUnixNano, trace.EndUnixNano);
        return new TraceSummary(trace.TraceId, root.Name, root.Resource, start, (trace.EndUnixNano - start) / 1e6,
            trace.Spans.Count, trace.ErrorCount, resources);
    }
}
