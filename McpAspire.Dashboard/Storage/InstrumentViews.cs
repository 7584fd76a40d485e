using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Storage;

// Copies MetricStore returns to readers (taken under its lock, safe to use after).

/// <summary>A row of the instrument list.</summary>
public sealed record InstrumentSummary(string Resource, string Scope, string Name, string Description, string Unit, string Type, int SeriesCount, ulong LastUnixNano);

/// <summary>An instrument with its series.</summary>
public sealed record InstrumentDetail(InstrumentSummary Instrument, bool IsMonotonic, bool IsCumulative, IReadOnlyList<SeriesDetail> Series);

/// <summary>One series: attributes, points oldest first, and the latest histogram buckets.</summary>
public sealed record SeriesDetail(TelemetryAttribute[] Attributes, MetricPoint[] Points, double[]? BucketBounds, ulong[]? BucketCounts);
