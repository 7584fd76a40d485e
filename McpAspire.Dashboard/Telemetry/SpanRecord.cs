namespace McpAspire.Dashboard.Telemetry;

/// <summary>An immutable span as stored: ids are lower-case hex, times are Unix nanoseconds.</summary>
public sealed class SpanRecord
{
    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    /// <summary>Parent span id, or empty for a root span.</summary>
    public required string ParentSpanId { get; init; }

    public required string Name { get; init; }

    /// <summary>Internal, Server, Client, Producer, Consumer or Unspecified.</summary>
    public required string Kind { get; init; }

    public required ulong StartUnixNano { get; init; }

    public required ulong EndUnixNano { get; init; }

    /// <summary>Unset, Ok or Error.</summary>
    public required string Status { get; init; }

    public string? StatusMessage { get; init; }

    /// <summary>The resource (service.name) that emitted the span.</summary>
    public required string Resource { get; init; }

    /// <summary>service.instance.id, when given.</summary>
    public string? Instance { get; init; }

    /// <summary>Instrumentation scope (activity source) name.</summary>
    public required string Scope { get; init; }

    public required TelemetryAttribute[] Attributes { get; init; }

    public required SpanEventRecord[] Events { get; init; }

    /// <summary>Linked span contexts as "traceId/spanId".</summary>
    public required string[] Links { get; init; }

    /// <summary>True when the span's status is Error.</summary>
    public bool IsError => Status == "Error";

    /// <summary>Duration in nanoseconds (zero when the clock ran backwards).</summary>
    public ulong DurationNano => EndUnixNano > StartUnixNano ? EndUnixNano - StartUnixNano : 0;
}
