using System.Net.Http.Headers;
using Google.Protobuf;
using McpAspire.Dashboard.Otlp.Proto.Collector.Logs.V1;
using McpAspire.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using McpAspire.Dashboard.Otlp.Proto.Collector.Trace.V1;
using McpAspire.Dashboard.Otlp.Proto.Common.V1;
using McpAspire.Dashboard.Otlp.Proto.Logs.V1;
using McpAspire.Dashboard.Otlp.Proto.Metrics.V1;
using McpAspire.Dashboard.Otlp.Proto.Resource.V1;
using McpAspire.Dashboard.Otlp.Proto.Trace.V1;
using SpanKind = McpAspire.Dashboard.Otlp.Proto.Trace.V1.Span.Types.SpanKind;

namespace McpAspire.Dashboard.Tests.Infrastructure;

/// <summary>Builds OTLP export requests with the generated messages, for tests that need exact content.</summary>
internal static class OtlpRequests
{
    public static ulong Now => (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static string NewSpanId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static Resource ServiceResource(string name) => new() { Attributes = { Attr("service.name", name), Attr("service.instance.id", name + "-1") } };

    public static Span MakeSpan(string traceId, string spanId, string? parent, string name, ulong start, double durationMs,
        SpanKind kind = SpanKind.Internal, bool error = false, params KeyValue[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + (ulong)(durationMs * 1_000_000),
            Status = error ? new Status { Code = Status.Types.StatusCode.Error, Message = "boom" } : null,
        };
        if (parent is not null)
        {
            span.ParentSpanId = ByteString.CopyFrom(Convert.FromHexString(parent));
        }
        span.Attributes.Add(attributes);
        return span;
    }

    public static ExportTraceServiceRequest Traces(string service, params Span[] spans) => new()
    {
        ResourceSpans = { new ResourceSpans { Resource = ServiceResource(service), ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "test" }, Spans = { spans } } } } },
    };

    /// <summary>A tool call crossing two services: gateway server span → gateway client span → toolhost server span.</summary>
    public static (string TraceId, ExportTraceServiceRequest Gateway, ExportTraceServiceRequest ToolHost) ToolCallTrace(string tool = "echo", bool error = false)
    {
        var traceId = NewTraceId();
        var start = Now;
        string root = NewSpanId(), client = NewSpanId(), server = NewSpanId();
        var gateway = Traces("gateway",
            MakeSpan(traceId, root, null, "tools/call " + tool, start, 42, SpanKind.Server, false,
                Attr("mcp.method.name", "tools/call"), Attr("gen_ai.tool.name", tool), Attr("mcp.session.id", "s-1"), Attr("jsonrpc.request.id", "7")),
            MakeSpan(traceId, client, root, "POST /mcp", start + 2_000_000, 36, SpanKind.Client, false,
                Attr("http.request.method", "POST"), Attr("url.full", "http://toolhost/mcp")));
        var toolHost = Traces("toolhost",
            MakeSpan(traceId, server, client, "tools/call " + tool, start + 4_000_000, 30, SpanKind.Server, error,
                Attr("mcp.method.name", "tools/call"), Attr("gen_ai.tool.name", tool), Attr("mcp.protocol.version", "2025-11-25")));
        return (traceId, gateway, toolHost);
    }

    public static ExportLogsServiceRequest Logs(string service, params (SeverityNumber Severity, string Message)[] records)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Test.Category" } };
        foreach (var (severity, message) in records)
        {
            scope.LogRecords.Add(new LogRecord
            {
                TimeUnixNano = Now,
                SeverityNumber = severity,
                Body = new AnyValue { StringValue = message },
                Attributes = { Attr("user", "alice") },
            });
        }
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = ServiceResource(service), ScopeLogs = { scope } } } };
    }

    public static ExportMetricsServiceRequest Gauge(string service, string name, double value, ulong? time = null) => new()
    {
        ResourceMetrics =
        {
            new ResourceMetrics
            {
                Resource = ServiceResource(service),
                ScopeMetrics =
                {
                    new ScopeMetrics
                    {
                        Scope = new InstrumentationScope { Name = "Test.Meter" },
                        Metrics =
                        {
                            new Metric
                            {
                                Name = name, Unit = "{item}", Description = "test gauge",
                                Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = time ?? Now, AsDouble = value, Attributes = { Attr("queue", "a") } } } },
                            },
                        },
                    },
                },
            },
        },
    };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, IMessage message, string? apiKey = null)
    {
        using var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Add("x-otlp-api-key", apiKey);
        }
        return await client.SendAsync(request);
    }
}
