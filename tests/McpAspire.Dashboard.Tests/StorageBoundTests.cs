using System.Net;
using System.Text.Json;
using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Otlp.Proto.Logs.V1;
using McpAspire.Dashboard.Storage;
using McpAspire.Dashboard.Telemetry;
using McpAspire.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Tests;

/// <summary>Storage holds to its caps: oldest data is evicted, counts are reported, nothing grows past the bound.</summary>
public sealed class StorageBoundTests
{
    [Fact]
    public void Span_store_evicts_whole_oldest_traces_beyond_the_cap()
    {
        var store = new SpanStore(Options(o => o.MaxSpans = 10));
        var traceIds = new List<string>();
        for (var t = 0; t < 8; t++)
        {
            var traceId = OtlpRequests.NewTraceId();
            traceIds.Add(traceId);
            store.Add([Span(traceId, "a", t), Span(traceId, "b", t), Span(traceId, "c", t)]);
        }
        Assert.True(store.SpanCount <= 10);
        Assert.Equal(9, store.SpanCount); // 3 whole traces of 3 spans
        Assert.Equal(24, store.ReceivedSpans);
        Assert.Equal(15, store.EvictedSpans);
        Assert.Null(store.GetTrace(traceIds[0]));
        Assert.Null(store.GetTrace(traceIds[4]));
        Assert.Equal(3, store.GetTrace(traceIds[7])!.Count);
        var listed = store.Query(new TraceQuery());
        Assert.Equal([traceIds[7], traceIds[6], traceIds[5]], listed.Select(t => t.TraceId));
    }

    [Fact]
    public void Span_store_filters_by_resource_text_errors_and_duration()
    {
        var store = new SpanStore(Options(_ => { }));
        var slow = OtlpRequests.NewTraceId();
        var failing = OtlpRequests.NewTraceId();
        store.Add([Span(slow, "tools/call slow", 0, durationMs: 500, resource: "toolhost")]);
        store.Add([Span(failing, "GET /x", 0, durationMs: 5, resource: "gateway", error: true)]);
        Assert.Equal([slow], store.Query(new TraceQuery { Resource = "toolhost" }).Select(t => t.TraceId));
        Assert.Equal([failing], store.Query(new TraceQuery { ErrorsOnly = true }).Select(t => t.TraceId));
        Assert.Equal([slow], store.Query(new TraceQuery { MinDurationMs = 100 }).Select(t => t.TraceId));
        Assert.Equal([slow], store.Query(new TraceQuery { Text = "SLOW" }).Select(t => t.TraceId));
        Assert.Equal([failing], store.Query(new TraceQuery { Text = failing[..8] }).Select(t => t.TraceId));
    }

    [Fact]
    public void Log_store_is_a_ring_and_filters_by_level_resource_and_text()
    {
        var store = new LogStore(Options(o => o.MaxLogs = 5));
        for (var i = 0; i < 12; i++)
        {
            store.Add([Log(i % 2 == 0 ? 9 : 17, $"message {i}", i % 3 == 0 ? "a" : "b")]);
        }
        Assert.Equal(5, store.Count);
        Assert.Equal(7, store.Evicted);
        var all = store.Query(new LogQuery());
        Assert.Equal(["message 11", "message 10", "message 9", "message 8", "message 7"], all.Select(l => l.Message));
        Assert.All(store.Query(new LogQuery { MinSeverity = 17 }), l => Assert.Equal("Error", l.Level));
        Assert.Equal(["message 9"], store.Query(new LogQuery { Resource = "a" }).Select(l => l.Message));
        Assert.Equal(["message 8"], store.Query(new LogQuery { Text = "MESSAGE 8" }).Select(l => l.Message));
        Assert.Equal(["message 11", "message 10"], store.Query(new LogQuery { AfterId = 10 }).Select(l => l.Message));
    }

    [Fact]
    public void Metric_store_keeps_a_ring_per_series_and_drops_series_beyond_the_cap()
    {
        var store = new MetricStore(Options(o =>
        {
            o.MaxMetricSeries = 2;
            o.MaxPointsPerSeries = 3;
        }));
        for (var i = 0; i < 10; i++)
        {
            store.Add(Batch("requests", "s1", i));
        }
        store.Add(Batch("requests", "s2", 1));
        store.Add(Batch("requests", "s3", 1));
        store.Add(Batch("other", "s1", 1));
        Assert.Equal(2, store.SeriesCount);
        Assert.Equal(4, store.PointCount);
        Assert.Equal(7, store.EvictedPoints);
        Assert.Equal(2, store.DroppedPoints);
        var detail = store.GetInstrument("svc", "meter", "requests")!;
        var s1 = detail.Series.Single(s => s.Attributes[0].Value == "s1");
        Assert.Equal([7.0, 8.0, 9.0], s1.Points.Select(p => p.Value));
        Assert.Null(store.GetInstrument("svc", "meter", "other"));
    }

    [Fact]
    public async Task Over_http_the_dashboard_holds_to_its_caps_and_reports_evictions()
    {
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["Dashboard:Storage:MaxSpans"] = "100",
            ["Dashboard:Storage:MaxLogs"] = "50",
        });
        using var client = await dashboard.CreateClientAsync();
        string? firstTrace = null, lastTrace = null;
        for (var i = 0; i < 50; i++)
        {
            var (traceId, gateway, toolHost) = OtlpRequests.ToolCallTrace();
            firstTrace ??= traceId;
            lastTrace = traceId;
            (await OtlpRequests.PostAsync(client, "/v1/traces", gateway)).EnsureSuccessStatusCode();
            (await OtlpRequests.PostAsync(client, "/v1/traces", toolHost)).EnsureSuccessStatusCode();
            (await OtlpRequests.PostAsync(client, "/v1/logs", OtlpRequests.Logs("gateway", (SeverityNumber.Info, $"call {i}"), (SeverityNumber.Error, $"fail {i}")))).EnsureSuccessStatusCode();
        }
        using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/telemetry/stats", UriKind.Relative)));
        var root = stats.RootElement;
        Assert.Equal(150, root.GetProperty("receivedSpans").GetInt64());
        Assert.InRange(root.GetProperty("spans").GetInt32(), 97, 100);
        Assert.Equal(150 - root.GetProperty("spans").GetInt32(), root.GetProperty("evictedSpans").GetInt64());
        Assert.Equal(50, root.GetProperty("logs").GetInt32());
        Assert.Equal(50, root.GetProperty("evictedLogs").GetInt64());

        using var gone = await client.GetAsync(new Uri($"/api/traces/{firstTrace}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var kept = await client.GetAsync(new Uri($"/api/traces/{lastTrace}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task Invalid_storage_settings_fail_at_start_with_the_setting_name()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => DashboardServer.StartAsync(
            new Dictionary<string, string?> { ["Dashboard:Storage:MaxSpans"] = "0" }));
        Assert.Contains("Dashboard:Storage:MaxSpans", error.Message, StringComparison.Ordinal);
    }

    private static IOptions<DashboardOptions> Options(Action<StorageOptions> configure)
    {
        var options = new DashboardOptions();
        configure(options.Storage);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    private static SpanRecord Span(string traceId, string name, int t, double durationMs = 1, string resource = "svc", bool error = false) => new()
    {
        TraceId = traceId,
        SpanId = OtlpRequests.NewSpanId(),
        ParentSpanId = "",
        Name = name,
        Kind = "Internal",
        StartUnixNano = 1_000_000_000UL * (ulong)(t + 1),
        EndUnixNano = 1_000_000_000UL * (ulong)(t + 1) + (ulong)(durationMs * 1e6),
        Status = error ? "Error" : "Unset",
        Resource = resource,
        Scope = "test",
        Attributes = [],
        Events = [],
        Links = [],
    };

    private static LogRecordEntry Log(int severity, string message, string resource) => new()
    {
        TimeUnixNano = 1,
        SeverityNumber = severity,
        Level = LogLevels.FromSeverity(severity, null),
        Message = message,
        Resource = resource,
        Scope = "cat",
        TraceId = "",
        SpanId = "",
        Attributes = [],
    };

    private static MetricBatch Batch(string name, string series, double value) => new("svc", "meter", name, "", "", "gauge", false, false,
        [new IncomingPoint("k=" + series, [new TelemetryAttribute("k", series)], new MetricPoint((ulong)value + 1, value, 0, 0), null, null)]);
}
