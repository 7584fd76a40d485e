using System.Diagnostics;
using OpenTelemetry.Trace;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Parent-based sampling that also drops client spans with no parent: a Redis command or an outbound HTTP call made by
/// a background loop (sweepers, change feeds, health probes of peers) would otherwise start a new root trace every few
/// seconds and bury the requests a person is looking for. Work done for a request keeps its parent and is recorded;
/// a background loop that wants a trace starts its own (internal or consumer) span, under which its calls are kept.
/// </summary>
public sealed class QuietBackgroundSampler : Sampler
{
    private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);
    private readonly ParentBasedSampler _inner = new(new AlwaysOnSampler());

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId == default && samplingParameters.Kind == ActivityKind.Client)
        {
            return s_drop;
        }
        return _inner.ShouldSample(samplingParameters);
    }
}
