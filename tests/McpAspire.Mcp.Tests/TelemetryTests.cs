using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using McpAspire.Mcp.Telemetry;
using McpAspire.Mcp.Tests.Infrastructure;

namespace McpAspire.Mcp.Tests;

/// <summary>Listeners are process-wide, so this class runs alone.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>Spans and the duration histogram follow the OpenTelemetry MCP conventions; _meta traceparent is the parent.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Tool_call_span_carries_mcp_attributes_and_continues_the_meta_trace()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == McpTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var durations = new List<(double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == McpTelemetry.SourceName && instrument.Name == "mcp.server.operation.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            lock (durations)
            {
                durations.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        meters.Start();

        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();
        var body = "{\"jsonrpc\":\"2.0\",\"id\":\"call-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"traced\"},\"_meta\":{\"traceparent\":\"00-" + traceId + "-" + parentSpan + "-01\"}}}";
        var response = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, body, sessionId));
        Assert.Equal(HttpStatusCode.OK, response.Status);

        Activity span;
        lock (spans)
        {
            span = Assert.Single(spans, s => s.OperationName == "tools/call echo" && s.TraceId == traceId);
        }
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal(traceId, span.TraceId);
        Assert.Equal(parentSpan, span.ParentSpanId);
        Assert.Equal("tools/call", span.GetTagItem("mcp.method.name"));
        Assert.Equal("echo", span.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("call-1", span.GetTagItem("jsonrpc.request.id"));
        Assert.Equal(sessionId, span.GetTagItem("mcp.session.id"));
        lock (durations)
        {
            var call = Assert.Single(durations, d => Equals(d.Tags["mcp.method.name"], "tools/call"));
            Assert.True(call.Value > 0);
        }
    }
}
