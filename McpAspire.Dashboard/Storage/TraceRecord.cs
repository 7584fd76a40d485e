using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Storage;

/// <summary>Spans of one trace and a running summary. Mutable; guarded by the span store's lock.</summary>
internal sealed class TraceRecord
{
    public TraceRecord(string traceId)
    {
        TraceId = traceId;
    }

    public string TraceId { get; }

    public List<SpanRecord> Spans { get; } = new(4);

    public ulong StartUnixNano { get; private set; } = ulong.MaxValue;

    public ulong EndUnixNano { get; private set; }

    public int ErrorCount { get; private set; }

    /// <summary>True once evicted (a reader holding it knows it is gone).</summary>
    public bool Evicted { get; set; }

    public void Add(SpanRecord span)
    {
        Spans.Add(span);
        if (span.StartUnixNano < StartUnixNano)
        {
            StartUnixNano = span.StartUnixNano;
        }
        if (span.EndUnixNano > EndUnixNano)
        {
            EndUnixNano = span.EndUnixNano;
        }
        if (span.IsError)
        {
            ErrorCount++;
        }
    }

    /// <summary>The root span (no parent, or a parent not received), earliest first.</summary>
    public SpanRecord Root
    {
        get
        {
            SpanRecord? best = null;
            foreach (var span in Spans)
            {
                if (span.ParentSpanId.Length == 0)
                {
                    return span;
                }
                if (best is null || span.StartUnixNano < best.StartUnixNano)
                {
                    best = span;
                }
            }
            return best!;
        }
    }
}
