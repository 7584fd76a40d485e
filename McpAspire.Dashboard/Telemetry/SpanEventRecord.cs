namespace McpAspire.Dashboard.Telemetry;

/// <summary>A span event (exception, message…) with its time and attributes.</summary>
public sealed record SpanEventRecord(string Name, ulong TimeUnixNano, TelemetryAttribute[] Attributes);
