namespace McpAspire.Dashboard.Otlp;

/// <summary>Which OTLP path a request came to.</summary>
public enum OtlpSignalKind
{
    Traces,
    Metrics,
    Logs,
}
