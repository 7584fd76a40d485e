using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpAspire.Redis.Telemetry;

/// <summary>
/// The client's ActivitySource and Meter, both named <c>McpAspire.Redis</c>, following the OpenTelemetry database
/// conventions (<c>db.system.name=redis</c>, <c>db.operation.name</c>, <c>server.address</c>, <c>server.port</c>,
/// histogram <c>db.client.operation.duration</c> in seconds). Nothing is recorded when nobody listens.
/// </summary>
public static class RedisTelemetry
{
    /// <summary>Name of the ActivitySource and the Meter.</summary>
    public const string Name = "McpAspire.Redis";

    internal static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "db.client.operation.duration",
        unit: "s",
        description: "Duration of Redis commands, from send to reply.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>True when a command should be timed (a span listener or the histogram is on).</summary>
    internal static bool IsEnabled => ActivitySource.HasListeners() || OperationDuration.Enabled;
}
