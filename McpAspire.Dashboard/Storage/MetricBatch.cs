using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Storage;

// What OtlpIngestion hands to MetricStore: the points of one instrument from one export.

/// <summary>The points of one instrument in one export, ready to store.</summary>
public sealed record MetricBatch(
    string Resource, string Scope, string Name, string Description, string Unit, string Type,
    bool IsMonotonic, bool IsCumulative, IReadOnlyList<IncomingPoint> Points);

/// <summary>One incoming point with its series identity.</summary>
public sealed record IncomingPoint(string SeriesKey, TelemetryAttribute[] Attributes, MetricPoint Point, double[]? BucketBounds, ulong[]? BucketCounts);
