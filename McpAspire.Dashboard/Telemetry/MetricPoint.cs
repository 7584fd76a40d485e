namespace McpAspire.Dashboard.Telemetry;

/// <summary>
/// One data point: <see cref="Value"/> for gauges and sums; for histograms and summaries the sample
/// <see cref="Count"/> and <see cref="Sum"/> (the value is then the sum as well).
/// </summary>
public readonly record struct MetricPoint(ulong TimeUnixNano, double Value, ulong Count, double Sum);
