namespace McpAspire.Dashboard.Telemetry;

/// <summary>
/// One instrument of one resource with its series (one per attribute set). Mutable; guarded by the metric store's lock.
/// </summary>
public sealed class MetricInstrument
{
    public required string Resource { get; init; }

    public required string Scope { get; init; }

    public required string Name { get; init; }

    public string Description { get; set; } = "";

    public string Unit { get; set; } = "";

    /// <summary>gauge, sum, histogram, exponential_histogram or summary.</summary>
    public string Type { get; set; } = "";

    /// <summary>True for monotonic sums (counters).</summary>
    public bool IsMonotonic { get; set; }

    /// <summary>True when points are cumulative (deltas otherwise).</summary>
    public bool IsCumulative { get; set; }

    /// <summary>Series by their canonical attribute key.</summary>
    public Dictionary<string, MetricSeries> Series { get; } = new(StringComparer.Ordinal);

    /// <summary>Time of the latest point, Unix nanoseconds.</summary>
    public ulong LastUnixNano { get; set; }
}
