namespace McpAspire.Dashboard.Telemetry;

/// <summary>One attribute as the dashboard keeps it: key and a display string (OTLP values are flattened).</summary>
public readonly record struct TelemetryAttribute(string Key, string Value);
