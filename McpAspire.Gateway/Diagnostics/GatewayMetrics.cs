using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpAspire.Gateway.Diagnostics;

/// <summary>
/// Gateway instruments (meter <c>McpAspire.Gateway</c>): <c>mcp.client.operation.duration</c> per downstream call
/// (OpenTelemetry MCP conventions: <c>mcp.method.name</c>, plus <c>mcp.gateway.server</c> and <c>error.type</c>), and
/// <c>mcp.gateway.downstream.connected</c> (1 connected / 0 not, per server).
/// </summary>
public static class GatewayMetrics
{
    /// <summary>Meter and activity source name.</summary>
    public const string Name = "McpAspire.Gateway";

    private static readonly Meter s_meter = new(Name);

    /// <summary>Activity source for downstream calls.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>(
        "mcp.client.operation.duration", "s", "Duration of MCP requests the gateway sent to downstream servers.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    /// <summary>
    /// Starts the client span <c>"{method} {server}"</c> of one downstream call, tagged with both; null (and no span
    /// name built) when nobody listens, which is the common case on the hot path.
    /// </summary>
    public static Activity? StartCall(string method, string server)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }
        var activity = ActivitySource.StartActivity(method + " " + server, ActivityKind.Client);
        activity?.SetTag("mcp.method.name", method);
        activity?.SetTag("mcp.gateway.server", server);
        return activity;
    }

    /// <summary>Records one downstream call.</summary>
    public static void RecordCall(string server, string method, TimeSpan elapsed, string? errorType)
    {
        var tags = new TagList { { "mcp.method.name", method }, { "mcp.gateway.server", server } };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }
        s_duration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Registers the connected gauge over the live connection list.</summary>
    public static void ObserveConnections(Func<IEnumerable<(string Server, bool Connected)>> connections) =>
        s_meter.CreateObservableGauge("mcp.gateway.downstream.connected",
            () => connections().Select(c => new Measurement<int>(c.Connected ? 1 : 0, new KeyValuePair<string, object?>("mcp.gateway.server", c.Server))),
            "{connected}", "1 when the downstream server is connected, else 0.");
}
