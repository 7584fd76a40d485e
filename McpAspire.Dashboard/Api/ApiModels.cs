using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Api;

// JSON shapes of the dashboard's own API (/api/...), used by the pages and the MCP tools. Times are ISO-8601
// strings plus epoch milliseconds (nanosecond integers do not survive JavaScript numbers).

/// <summary>A row of the trace list.</summary>
public sealed record TraceListItem(
    string TraceId, string Name, string RootResource, string StartTime, double StartMs, double DurationMs,
    int SpanCount, int ErrorCount, IReadOnlyList<string> Resources);

/// <summary>A trace with its spans ordered by start.</summary>
public sealed record TraceDetail(TraceListItem Trace, IReadOnlyList<SpanItem> Spans);

/// <summary>One span; <see cref="OffsetMs"/> is relative to the trace start.</summary>
public sealed record SpanItem(
    string SpanId, string ParentSpanId, string Name, string Kind, string Resource, string? Instance, string Scope,
    string StartTime, double OffsetMs, double DurationMs, string Status, string? StatusMessage,
    TelemetryAttribute[] Attributes, IReadOnlyList<SpanEventItem> Events, string[] Links);

/// <summary>A span event; <see cref="OffsetMs"/> is relative to the trace start.</summary>
public sealed record SpanEventItem(string Name, double OffsetMs, TelemetryAttribute[] Attributes);

/// <summary>A structured log record.</summary>
public sealed record LogItem(
    long Id, string Time, double TimeMs, string Level, int SeverityNumber, string Message, string Resource, string? Instance,
    string Scope, string TraceId, string SpanId, string? EventName, TelemetryAttribute[] Attributes);

/// <summary>A page of log records, newest first, with the newest id the store has.</summary>
public sealed record LogList(IReadOnlyList<LogItem> Items, long LastId);

/// <summary>A row of the instrument list.</summary>
public sealed record InstrumentItem(
    string Resource, string Scope, string Name, string Description, string Unit, string Type, int SeriesCount, string? LastTime);

/// <summary>An instrument with its series.</summary>
public sealed record InstrumentDetailItem(InstrumentItem Instrument, bool IsMonotonic, bool IsCumulative, IReadOnlyList<SeriesItem> Series);

/// <summary>One series; <see cref="Points"/> are what the chart plots (histograms: mean per interval).</summary>
public sealed record SeriesItem(TelemetryAttribute[] Attributes, IReadOnlyList<PointItem> Points, double[]? BucketBounds, ulong[]? BucketCounts);

/// <summary>A plotted point: epoch milliseconds and value; count and sum for histograms.</summary>
public sealed record PointItem(double T, double V, ulong Count, double Sum);

/// <summary>A resource seen in telemetry.</summary>
public sealed record TelemetryResourceItem(string Name, string[] Instances);

/// <summary>What the stores hold and what they evicted.</summary>
public sealed record StorageStats(
    int Spans, int Traces, long ReceivedSpans, long EvictedSpans, int Logs, long EvictedLogs,
    int MetricSeries, long MetricPoints, long EvictedMetricPoints, long DroppedMetricPoints);

/// <summary>Result of a resource command.</summary>
public sealed record CommandResult(string Resource, string Command, bool Accepted);

/// <summary>Dashboard information the pages and clients read.</summary>
public sealed record DashboardInfo(bool ResourceServiceConfigured, string? ResourceServiceUrl, bool Unsecured, bool OtlpApiKeyRequired);
