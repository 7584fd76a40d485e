using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using McpAspire.Dashboard.Otlp.Proto.Collector.Trace.V1;
using McpAspire.Dashboard.Otlp.Proto.Common.V1;
using McpAspire.Dashboard.Otlp.Proto.Resource.V1;
using McpAspire.Dashboard.Otlp.Proto.Trace.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Bench.Scenarios;

/// <summary>
/// <c>dashboard-ingest</c>: spans per second the dashboard ingests over OTLP/HTTP protobuf (requests of 512 spans from
/// several concurrent senders), with its storage capped, side by side with a baseline Kestrel endpoint that only reads
/// and discards the same bodies (the transport's cost). The dashboard runs as its own process, so its peak RSS and
/// stored span count are its own. Options: --seconds N, --senders N, --batch N, --max-spans N.
/// </summary>
public sealed class DashboardIngestScenario : IScenario
{
    public string Name => "dashboard-ingest";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = Option(args, "--seconds", 10);
        var senders = Option(args, "--senders", 4);
        var batch = Option(args, "--batch", 512);
        var maxSpans = Option(args, "--max-spans", 100_000);

        // Distinct bodies covering more than twice the cap, so a body comes round again only after its traces were evicted.
        var bodyCount = Math.Max(8, maxSpans * 2 / batch + 1);
        var bodies = Enumerable.Range(0, bodyCount).Select(i => BuildRequest(i, batch).ToByteArray()).ToArray();
        Console.Error.WriteLine($"dashboard-ingest: {bodyCount} bodies of {batch} spans ({bodies[0].Length / 1024} KiB each), {senders} senders, {seconds}s, cap {maxSpans} spans");

        long errors = 0;
        await using var sink = await StartSinkAsync(cancellationToken);
        var baseline = await DriveAsync(sink.Address, bodies, batch, senders, TimeSpan.FromSeconds(seconds), cancellationToken);
        errors += baseline.Errors;

        using var dashboard = await DashboardProcess.StartAsync(maxSpans, cancellationToken);
        var ours = await DriveAsync(dashboard.Address, bodies, batch, senders, TimeSpan.FromSeconds(seconds), cancellationToken);
        errors += ours.Errors;

        using var http = new HttpClient { BaseAddress = dashboard.Address };
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/telemetry/stats", UriKind.Relative), cancellationToken));
        var stored = stats.RootElement.GetProperty("spans").GetInt32();
        var received = stats.RootElement.GetProperty("receivedSpans").GetInt64();
        var evicted = stats.RootElement.GetProperty("evictedSpans").GetInt64();
        var dashboardPeak = dashboard.PeakRssBytes() / (1024.0 * 1024.0);
        var dashboardNow = dashboard.CurrentRssBytes() / (1024.0 * 1024.0);
        // The dashboard also received the warm-up requests, which are not part of the measured run.
        received -= ours.WarmupSpans;
        if (received != ours.Spans)
        {
            Console.Error.WriteLine($"dashboard-ingest: sent {ours.Spans} spans but the dashboard received {received}");
            errors++;
        }
        if (stored > maxSpans)
        {
            Console.Error.WriteLine($"dashboard-ingest: {stored} spans stored, over the cap of {maxSpans}");
            errors++;
        }

        BenchResult.Report(Name, "spans_per_s", ours.Spans / ours.Elapsed.TotalSeconds, "spans/s", baseline.Spans / baseline.Elapsed.TotalSeconds);
        BenchResult.Report(Name, "requests_per_s", ours.Requests / ours.Elapsed.TotalSeconds, "req/s", baseline.Requests / baseline.Elapsed.TotalSeconds);
        BenchResult.Report(Name, "request_p50", ours.Percentile(0.50), "ms", baseline.Percentile(0.50));
        BenchResult.Report(Name, "request_p99", ours.Percentile(0.99), "ms", baseline.Percentile(0.99));
        BenchResult.Report(Name, "spans_sent", ours.Spans, "spans");
        BenchResult.Report(Name, "spans_stored", stored, "spans");
        BenchResult.Report(Name, "spans_evicted", evicted, "spans");
        BenchResult.Report(Name, "storage_cap", maxSpans, "spans");
        BenchResult.Report(Name, "dashboard_peak_rss", dashboardPeak, "MiB");
        BenchResult.Report(Name, "dashboard_rss_after", dashboardNow, "MiB");
        BenchResult.ReportFooter(Name, errors);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<DriveResult> DriveAsync(Uri address, byte[][] bodies, int batch, int senders, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = senders, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var url = new Uri("/v1/traces", UriKind.Relative);
        var contentType = new MediaTypeHeaderValue("application/x-protobuf");

        // Warm-up: JIT and connections, not measured.
        for (var i = 0; i < senders * 2; i++)
        {
            using var content = new ByteArrayContent(bodies[i % bodies.Length]);
            content.Headers.ContentType = contentType;
            using var response = await client.PostAsync(url, content, cancellationToken);
        }

        long requests = 0, errors = 0;
        var next = -1;
        var latencies = new List<double>[senders];
        var stopwatch = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var tasks = Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var mine = latencies[s] = new List<double>(4096);
            while (!stop.IsCancellationRequested)
            {
                var body = bodies[(int)((uint)Interlocked.Increment(ref next) % (uint)bodies.Length)];
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = contentType;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsync(url, content, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref requests);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = stopwatch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new DriveResult(requests, requests * batch, errors, elapsed, all, senders * 2L * batch);
    }

    private static ExportTraceServiceRequest BuildRequest(int index, int batch)
    {
        var random = new Random(index);
        var request = new ExportTraceServiceRequest();
        // Four services per request, like a gateway/tool host/state service/redis topology exporting together.
        var services = new[] { "gateway", "toolhost", "statesvc", "worker" };
        var perService = batch / services.Length;
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var traceId = new byte[16];
        var spanId = new byte[8];
        var parentId = new byte[8];
        for (var s = 0; s < services.Length; s++)
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "McpAspire." + services[s], Version = "1.0.0" } };
            for (var i = 0; i < (s == services.Length - 1 ? batch - perService * (services.Length - 1) : perService); i++)
            {
                // 8 spans per trace: a server span and its children.
                if (i % 8 == 0)
                {
                    random.NextBytes(traceId);
                    random.NextBytes(parentId);
                }
                random.NextBytes(spanId);
                var start = now + (ulong)(i * 1000);
                var span = new Span
                {
                    TraceId = ByteString.CopyFrom(traceId),
                    SpanId = ByteString.CopyFrom(i % 8 == 0 ? parentId : spanId),
                    ParentSpanId = i % 8 == 0 ? ByteString.Empty : ByteString.CopyFrom(parentId),
                    Name = i % 8 == 0 ? "POST /mcp" : "tools/call search",
                    Kind = i % 8 == 0 ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Internal,
                    StartTimeUnixNano = start,
                    EndTimeUnixNano = start + 1_500_000,
                    Status = new Status { Code = i % 50 == 0 ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
                    Attributes =
                    {
                        Attr("http.request.method", "POST"), Attr("http.route", "/mcp"), Attr("url.path", "/mcp"),
                        Attr("http.response.status_code", 200), Attr("mcp.method.name", "tools/call"), Attr("gen_ai.tool.name", "search"),
                        Attr("mcp.session.id", "session-" + (i % 17).ToString(CultureInfo.InvariantCulture)), Attr("jsonrpc.request.id", i),
                    },
                };
                scope.Spans.Add(span);
            }
            request.ResourceSpans.Add(new ResourceSpans
            {
                Resource = new Resource { Attributes = { Attr("service.name", services[s]), Attr("service.instance.id", services[s] + "-" + (index % 3).ToString(CultureInfo.InvariantCulture)), Attr("telemetry.sdk.name", "opentelemetry") } },
                ScopeSpans = { scope },
            });
        }
        return request;
    }

    private static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static async Task<SinkServer> StartSinkAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var empty = new ExportTraceServiceResponse().ToByteArray();
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            var buffer = new byte[64 * 1024];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
            return Results.Bytes(empty, "application/x-protobuf");
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SinkServer(app, new Uri(address));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    private sealed record DriveResult(long Requests, long Spans, long Errors, TimeSpan Elapsed, double[] SortedLatencies, long WarmupSpans)
    {
        public double Percentile(double p) => SortedLatencies.Length == 0 ? 0 : SortedLatencies[Math.Min(SortedLatencies.Length - 1, (int)(p * SortedLatencies.Length))];
    }

    private sealed class SinkServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
