namespace McpAspire.Dashboard.Telemetry;

/// <summary>An immutable structured log record as stored.</summary>
public sealed class LogRecordEntry
{
    /// <summary>Monotonic id assigned by the store on arrival (lets pages ask for what is new).</summary>
    public long Id { get; internal set; }

    public required ulong TimeUnixNano { get; init; }

    /// <summary>OTLP severity number (0–24).</summary>
    public required int SeverityNumber { get; init; }

    /// <summary>Trace, Debug, Information, Warning, Error, Critical or Unspecified.</summary>
    public required string Level { get; init; }

    public required string Message { get; init; }

    public required string Resource { get; init; }

    public string? Instance { get; init; }

    /// <summary>Logger category (instrumentation scope).</summary>
    public required string Scope { get; init; }

    public required string TraceId { get; init; }

    public required string SpanId { get; init; }

    public string? EventName { get; init; }

    public required TelemetryAttribute[] Attributes { get; init; }
}
