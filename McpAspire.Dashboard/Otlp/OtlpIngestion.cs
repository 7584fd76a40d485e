using Google.Protobuf;
using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Otlp.Proto.Collector.Logs.V1;
using McpAspire.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using McpAspire.Dashboard.Otlp.Proto.Collector.Trace.V1;
using McpAspire.Dashboard.Otlp.Proto.Common.V1;
using McpAspire.Dashboard.Otlp.Proto.Metrics.V1;
using McpAspire.Dashboard.Otlp.Proto.Trace.V1;
using McpAspire.Dashboard.Storage;
using McpAspire.Dashboard.Telemetry;
using McpAspire.ServiceDefaults.Redaction;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Otlp;

/// <summary>
/// Converts decoded OTLP export requests into stored records and adds them to the stores; returns how many items
/// were rejected (invalid ids), which the receiver reports as OTLP partial success.
/// </summary>
public sealed class OtlpIngestion
{
    private readonly SpanStore _spans;
    private readonly LogStore _logs;
    private readonly MetricStore _metrics;
    private readonly TelemetryResourceRegistry _resources;
    private readonly TelemetryChangeFeed _changes;
    private readonly StorageOptions _limits;
    private readonly StringInterner _strings = new(maxEntries: 16_384, maxLength: 256);
    private readonly StringInterner _values = new(maxEntries: 65_536, maxLength: 64);

    public OtlpIngestion(SpanStore spans, LogStore logs, MetricStore metrics, TelemetryResourceRegistry resources,
        TelemetryChangeFeed changes, IOptions<DashboardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _spans = spans;
        _logs = logs;
        _metrics = metrics;
        _resources = resources;
        _changes = changes;
        _limits = options.Value.Storage;
    }

    /// <summary>Stores the spans; returns the number rejected.</summary>
    public long Ingest(ExportTraceServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = 0;
        foreach (var rs in request.ResourceSpans)
        {
            foreach (var ss in rs.ScopeSpans)
            {
                total += ss.Spans.Count;
            }
        }
        var records = new List<SpanRecord>(total);
        var ids = new IdStrings(total);
        long rejected = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = OtlpResourceInfo.From(resourceSpans.Resource);
            var name = _strings.Intern(resource.Name);
            var instance = resource.Instance is null ? null : _strings.Intern(resource.Instance);
            _resources.Observe(name, instance);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = _strings.Intern(scopeSpans.Scope?.Name ?? "");
                foreach (var span in scopeSpans.Spans)
                {
                    if (span.TraceId.Length != 16 || span.SpanId.Length != 8)
                    {
                        rejected++;
                        continue;
                    }
                    records.Add(ToRecord(span, name, instance, scope, ids));
                }
            }
        }
        _spans.Add(records);
        if (records.Count > 0)
        {
            _changes.Notify(TelemetrySignal.Traces);
        }
        return rejected;
    }

    /// <summary>Stores the log records; returns the number rejected.</summary>
    public long Ingest(ExportLogsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var records = new List<LogRecordEntry>();
        long rejected = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = OtlpResourceInfo.From(resourceLogs.Resource);
            var name = _strings.Intern(resource.Name);
            var instance = resource.Instance is null ? null : _strings.Intern(resource.Instance);
            _resources.Observe(name, instance);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = _strings.Intern(scopeLogs.Scope?.Name ?? "");
                foreach (var log in scopeLogs.LogRecords)
                {
                    if (log.TraceId.Length is not (0 or 16) || log.SpanId.Length is not (0 or 8))
                    {
                        rejected++;
                        continue;
                    }
                    var severity = (int)log.SeverityNumber;
                    records.Add(new LogRecordEntry
                    {
                        TimeUnixNano = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano,
                        SeverityNumber = severity,
                        Level = LogLevels.FromSeverity(severity, log.SeverityText),
                        Message = SecretText.Redact(OtlpValueFormatter.Format(log.Body, _limits.MaxAttributeLength)),
                        Resource = name,
                        Instance = instance,
                        Scope = scope,
                        TraceId = OtlpValueFormatter.Hex(log.TraceId),
                        SpanId = OtlpValueFormatter.Hex(log.SpanId),
                        EventName = string.IsNullOrEmpty(log.EventName) ? null : log.EventName,
                        Attributes = Attributes(log.Attributes),
                    });
                }
            }
        }
        _logs.Add(records);
        if (records.Count > 0)
        {
            _changes.Notify(TelemetrySignal.Logs);
        }
        return rejected;
    }

    /// <summary>Stores the data points; returns the number rejected (unknown metric types).</summary>
    public long Ingest(ExportMetricsServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long rejected = 0;
        var stored = false;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = OtlpResourceInfo.From(resourceMetrics.Resource);
            var name = _strings.Intern(resource.Name);
            _resources.Observe(name, resource.Instance is null ? null : _strings.Intern(resource.Instance));
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = _strings.Intern(scopeMetrics.Scope?.Name ?? "");
                foreach (var metric in scopeMetrics.Metrics)
                {
                    var batch = ToBatch(metric, name, scope);
                    if (batch is null)
                    {
                        rejected++;
                        continue;
                    }
                    _metrics.Add(batch);
                    stored = true;
                }
            }
        }
        if (stored)
        {
            _changes.Notify(TelemetrySignal.Metrics);
        }
        return rejected;
    }

    private SpanRecord ToRecord(Span span, string resource, string? instance, string scope, IdStrings ids)
    {
        var eventCount = Math.Min(span.Events.Count, _limits.MaxSpanEvents);
        var events = eventCount == 0 ? [] : new SpanEventRecord[eventCount];
        for (var i = 0; i < eventCount; i++)
        {
            var e = span.Events[i];
            events[i] = new SpanEventRecord(e.Name, e.TimeUnixNano, Attributes(e.Attributes));
        }
        var links = span.Links.Count == 0 ? [] : span.Links.Take(_limits.MaxSpanEvents)
            .Select(l => OtlpValueFormatter.Hex(l.TraceId) + "/" + OtlpValueFormatter.Hex(l.SpanId)).ToArray();
        return new SpanRecord
        {
            TraceId = ids.Trace(span.TraceId),
            SpanId = ids.Span(span.SpanId),
            ParentSpanId = ids.Span(span.ParentSpanId),
            Name = _values.Intern(OtlpValueFormatter.Truncate(span.Name, _limits.MaxAttributeLength)),
            Kind = span.Kind switch
            {
                Span.Types.SpanKind.Internal => "Internal",
                Span.Types.SpanKind.Server => "Server",
                Span.Types.SpanKind.Client => "Client",
                Span.Types.SpanKind.Producer => "Producer",
                Span.Types.SpanKind.Consumer => "Consumer",
                _ => "Unspecified",
            },
            StartUnixNano = span.StartTimeUnixNano,
            EndUnixNano = span.EndTimeUnixNano,
            Status = span.Status?.Code switch
            {
                Status.Types.StatusCode.Ok => "Ok",
                Status.Types.StatusCode.Error => "Error",
                _ => "Unset",
            },
            StatusMessage = string.IsNullOrEmpty(span.Status?.Message) ? null : SecretText.Redact(OtlpValueFormatter.Truncate(span.Status.Message, _limits.MaxAttributeLength)),
            Resource = resource,
            Instance = instance,
            Scope = scope,
            Attributes = Attributes(span.Attributes),
            Events = events,
            Links = links,
        };
    }

    private TelemetryAttribute[] Attributes(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes)
    {
        var count = Math.Min(attributes.Count, _limits.MaxAttributeCount);
        if (count == 0)
        {
            return [];
        }
        var result = new TelemetryAttribute[count];
        for (var i = 0; i < count; i++)
        {
            var kv = attributes[i];
            // Defence in depth: services mask secrets before export, but any OTLP sender can post here. Sensitive names
            // (authorization, api keys, passwords, tokens) are masked whole, values matching the secret patterns in part.
            var value = SecretText.IsSensitiveName(kv.Key)
                ? SecretText.Mask
                : SecretText.Redact(OtlpValueFormatter.Format(kv.Value, _limits.MaxAttributeLength));
            result[i] = new TelemetryAttribute(_strings.Intern(kv.Key), _values.Intern(value));
        }
        return result;
    }

    private MetricBatch? ToBatch(Metric metric, string resource, string scope)
    {
        var points = new List<IncomingPoint>();
        string type;
        bool monotonic = false, cumulative = false;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                type = "gauge";
                foreach (var p in metric.Gauge.DataPoints)
                {
                    points.Add(NumberPoint(p));
                }
                break;
            case Metric.DataOneofCase.Sum:
                type = "sum";
                monotonic = metric.Sum.IsMonotonic;
                cumulative = metric.Sum.AggregationTemporality == AggregationTemporality.Cumulative;
                foreach (var p in metric.Sum.DataPoints)
                {
                    points.Add(NumberPoint(p));
                }
                break;
            case Metric.DataOneofCase.Histogram:
                type = "histogram";
                cumulative = metric.Histogram.AggregationTemporality == AggregationTemporality.Cumulative;
                foreach (var p in metric.Histogram.DataPoints)
                {
                    var attributes = Attributes(p.Attributes);
                    points.Add(new IncomingPoint(SeriesKey(attributes), attributes, new MetricPoint(p.TimeUnixNano, p.Sum, p.Count, p.Sum),
                        [.. p.ExplicitBounds], [.. p.BucketCounts]));
                }
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                type = "exponential_histogram";
                cumulative = metric.ExponentialHistogram.AggregationTemporality == AggregationTemporality.Cumulative;
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    var attributes = Attributes(p.Attributes);
                    points.Add(new IncomingPoint(SeriesKey(attributes), attributes, new MetricPoint(p.TimeUnixNano, p.Sum, p.Count, p.Sum), null, null));
                }
                break;
            case Metric.DataOneofCase.Summary:
                type = "summary";
                cumulative = true;
                foreach (var p in metric.Summary.DataPoints)
                {
                    var attributes = Attributes(p.Attributes);
                    points.Add(new IncomingPoint(SeriesKey(attributes), attributes, new MetricPoint(p.TimeUnixNano, p.Sum, p.Count, p.Sum), null, null));
                }
                break;
            default:
                return null;
        }
        return new MetricBatch(resource, scope, _strings.Intern(metric.Name), metric.Description, metric.Unit, type, monotonic, cumulative, points);
    }

    private IncomingPoint NumberPoint(NumberDataPoint p)
    {
        var attributes = Attributes(p.Attributes);
        var value = p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble;
        return new IncomingPoint(SeriesKey(attributes), attributes, new MetricPoint(p.TimeUnixNano, value, 0, 0), null, null);
    }

    private static string SeriesKey(TelemetryAttribute[] attributes)
    {
        if (attributes.Length == 0)
        {
            return "";
        }
        var sorted = attributes.OrderBy(a => a.Key, StringComparer.Ordinal);
        return string.Join('\u001e', sorted.Select(a => a.Key + "\u001f" + a.Value));
    }

    /// <summary>
    /// Hex strings of the ids in one export request, shared: spans of a trace usually arrive together, and a parent's
    /// id is usually another span's id in the same batch, so one string serves them all. Stored spans then hold far
    /// fewer objects, which is what the garbage collector pays for at high ingest rates.
    /// </summary>
    private sealed class IdStrings(int capacity)
    {
        private readonly Dictionary<ulong, string> _spans = new(capacity * 2);
        private ByteString? _lastTrace;
        private string _lastTraceHex = "";

        public string Trace(ByteString id)
        {
            if (_lastTrace is null || !_lastTrace.Equals(id))
            {
                _lastTrace = id;
                _lastTraceHex = OtlpValueFormatter.Hex(id);
            }
            return _lastTraceHex;
        }

        public string Span(ByteString id)
        {
            if (id.Length != 8)
            {
                return OtlpValueFormatter.Hex(id);
            }
            var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(id.Span);
            if (!_spans.TryGetValue(key, out var hex))
            {
                hex = OtlpValueFormatter.Hex(id);
                _spans.Add(key, hex);
            }
            return hex;
        }
    }

    /// <summary>
    /// OTLP/JSON writes trace and span ids as hex, but protobuf's JSON mapping reads bytes as base64. Hex text is
    /// valid base64, so a 32-char trace id decodes to 24 bytes and a 16-char span id to 12; re-encoding those
    /// bytes gives back the hex text exactly, which is then decoded as hex. Real base64 ids (16 and 8 bytes) stay.
    /// </summary>
    internal static ByteString FixJsonId(ByteString id)
    {
        if (id.Length is 24 or 12)
        {
            var text = Convert.ToBase64String(id.Span);
            if (text.All(Uri.IsHexDigit))
            {
                return ByteString.CopyFrom(Convert.FromHexString(text));
            }
        }
        return id;
    }
}
