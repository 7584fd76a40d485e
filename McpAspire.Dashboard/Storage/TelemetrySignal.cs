namespace McpAspire.Dashboard.Storage;

/// <summary>The three OTLP signals.</summary>
public enum TelemetrySignal
{
    Traces = 0,
    Logs = 1,
    Metrics = 2,
}
