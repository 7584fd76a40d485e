using McpAspire.Dashboard.Storage;
using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Api;

/// <summary>Maps stored records to API shapes.</summary>
public static class ApiMapper
{
    public static TraceListItem ToItem(TraceSummary trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new TraceListItem(trace.TraceId, trace.Name, trace.RootResource, UnixTime.ToIso(trace.StartUnixNano),
            UnixTime.ToMs(trace.StartUnixNano), Math.Round(trace.DurationMs, 3), trace.SpanCount, trace.ErrorCount, trace.Resources);
    }

    public static TraceDetail ToDetail(TraceSummary trace, IReadOnlyList<SpanRecord> spans)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(spans);
        var start = trace.StartUnixNano;
        var items = new List<SpanItem>(spans.Count);
        foreach (var span in spans)
        {
            items.Add(new SpanItem(span.SpanId, span.ParentSpanId, span.Name, span.Kind, span.Resource, span.Instance, span.Scope,
                UnixTime.ToIso(span.StartUnixNano), Offset(span.StartUnixNano, start), Math.Round(span.DurationNano / 1e6, 3),
                span.Status, span.StatusMessage, span.Attributes,
                [.. span.Events.Select(e => new SpanEventItem(e.Name, Offset(e.TimeUnixNano, start), e.Attributes))], span.Links));
        }
        return new TraceDetail(ToItem(trace), items);
    }

    public static LogItem ToItem(LogRecordEntry log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return new LogItem(log.Id, UnixTime.ToIso(log.TimeUnixNano), UnixTime.ToMs(log.TimeUnixNano), log.Level, log.SeverityNumber,
            log.Message, log.Resource, log.Instance, log.Scope, log.TraceId, log.SpanId, log.EventName, log.Attributes);
    }

    public static InstrumentItem ToItem(InstrumentSummary instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return new InstrumentItem(instrument.Resource, instrument.Scope, instrument.Name, instrument.Description, instrument.Unit,
            instrument.Type, instrument.SeriesCount, instrument.LastUnixNano == 0 ? null : UnixTime.ToIso(instrument.LastUnixNano));
    }

    /// <summary>
    /// An instrument with plottable points: gauges and sums as they are; histograms and summaries as the mean
    /// value per export interval (from cumulative count and sum differences, or per point for deltas).
    /// </summary>
    public static InstrumentDetailItem ToItem(InstrumentDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var distribution = detail.Instrument.Type is "histogram" or "exponential_histogram" or "summary";
        var series = new List<SeriesItem>(detail.Series.Count);
        foreach (var s in detail.Series)
        {
            var points = new List<PointItem>(s.Points.Length);
            for (var i = 0; i < s.Points.Length; i++)
            {
                var p = s.Points[i];
                var value = p.Value;
                if (distribution)
                {
                    var count = (double)p.Count;
                    var sum = p.Sum;
                    if (detail.IsCumulative && i > 0 && p.Count >= s.Points[i - 1].Count)
                    {
                        count -= s.Points[i - 1].Count;
                        sum -= s.Points[i - 1].Sum;
                    }
                    value = count > 0 ? sum / count : 0;
                }
                points.Add(new PointItem(UnixTime.ToMs(p.TimeUnixNano), value, p.Count, p.Sum));
            }
            series.Add(new SeriesItem(s.Attributes, points, s.BucketBounds, s.BucketCounts));
        }
        return new InstrumentDetailItem(ToItem(detail.Instrument), detail.IsMonotonic, detail.IsCumulative, series);
    }

    private static double Offset(ulong time, ulong start) => time >= start ? Math.Round((time - start) / 1e6, 3) : 0;
}
