namespace McpAspire.Dashboard.Storage;

/// <summary>A row of the trace list.</summary>
public sealed record TraceSummary(
    string TraceId,
    string Name,
    string RootResource,
    ulong StartUnixNano,
    double DurationMs,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<string> Resources);
