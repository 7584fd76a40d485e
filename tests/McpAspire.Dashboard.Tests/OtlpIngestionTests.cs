using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using McpAspire.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using KestrelApp = McpAspire.TestSupport.KestrelApp;

namespace McpAspire.Dashboard.Tests;

/// <summary>Real exports: a Kestrel service using AddServiceDefaults sends OTLP/HTTP protobuf to the running dashboard.</summary>
public sealed class OtlpIngestionTests
{
    [Fact]
    public async Task Spans_logs_and_metrics_from_a_ServiceDefaults_service_arrive_and_are_queryable()
    {
        const string otlpKey = "otlp-key-for-test-0123456789";
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Otlp:ApiKey"] = otlpKey });

        using var source = new ActivitySource("testapp");
        using var meter = new Meter("testapp");
        var lookups = meter.CreateCounter<long>("catalog.lookups", "{lookup}", "Item lookups");
        var service = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/items/{id}", (string id, ILogger<OtlpIngestionTests> logger) =>
                {
                    using (var activity = source.StartActivity("tools/call lookup"))
                    {
                        activity?.SetTag("mcp.method.name", "tools/call");
                        activity?.SetTag("gen_ai.tool.name", "lookup");
                    }
                    lookups.Add(1, new KeyValuePair<string, object?>("kind", "item"));
                    logger.LogWarning("Looked up item {ItemId}", id);
                    return $"item {id}";
                });
            },
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={otlpKey}",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", // this dashboard receives OTLP/HTTP only
                ["OTEL_SERVICE_NAME"] = "catalog",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            });
        // A caller from outside (no traceparent): the service's sampler drops parentless client spans of its process.
        using (var serviceClient = McpAspire.TestSupport.ExternalClient.Create(service.Address))
        {
            Assert.Equal("item 42", await serviceClient.GetStringAsync(new Uri("/items/42", UriKind.Relative)));
        }
        // Stopping the service disposes its providers, which flush the last batches to the dashboard.
        await service.DisposeAsync();

        using var client = await dashboard.CreateClientAsync();

        // Traces: the server span with its route, and the MCP-attributed child span in the same trace. (The test's
        // HttpClient span is in-process, so the same provider records it as the trace's root; the text filter finds
        // the trace by its server span's name.)
        var traces = await Eventually.GetAsync(
            async () => JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/traces?resource=catalog&text=" + Uri.EscapeDataString("GET /items/{id}"), UriKind.Relative))),
            d => d!.RootElement.GetArrayLength() > 0,
            "the server span in /api/traces");
        var traceId = Assert.Single(traces.RootElement.EnumerateArray()).GetProperty("traceId").GetString()!;
        using var detail = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/traces/{traceId}", UriKind.Relative)));
        var spans = detail.RootElement.GetProperty("spans").EnumerateArray().ToList();
        var server = Assert.Single(spans, s => s.GetProperty("name").GetString() == "GET /items/{id}");
        Assert.Equal("Server", server.GetProperty("kind").GetString());
        Assert.Equal("catalog", server.GetProperty("resource").GetString());
        var child = Assert.Single(spans, s => s.GetProperty("name").GetString() == "tools/call lookup");
        Assert.Equal(server.GetProperty("spanId").GetString(), child.GetProperty("parentSpanId").GetString());
        Assert.Equal("tools/call", Attribute(child, "mcp.method.name"));
        Assert.Equal("lookup", Attribute(child, "gen_ai.tool.name"));
        Assert.Equal("/items/{id}", Attribute(server, "http.route"));

        // Logs: the warning with its formatted message, correlated to the request's trace.
        using var logs = await Eventually.GetAsync(
            async () => JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/logs?resource=catalog&level=Warning&text=item%2042", UriKind.Relative))),
            d => d!.RootElement.GetProperty("items").GetArrayLength() > 0,
            "the warning in /api/logs");
        var log = logs.RootElement.GetProperty("items")[0];
        Assert.Equal("Looked up item 42", log.GetProperty("message").GetString());
        Assert.Equal("Warning", log.GetProperty("level").GetString());
        Assert.Equal(traceId, log.GetProperty("traceId").GetString());
        Assert.Contains(log.GetProperty("attributes").EnumerateArray(), a => a.GetProperty("key").GetString() == "ItemId" && a.GetProperty("value").GetString() == "42");

        // Metrics: our counter and ASP.NET Core's request duration histogram, both per resource.
        using var instruments = await Eventually.GetAsync(
            async () => JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/metrics?resource=catalog", UriKind.Relative))),
            d => d!.RootElement.EnumerateArray().Any(i => i.GetProperty("name").GetString() == "catalog.lookups"),
            "the counter in /api/metrics");
        Assert.Contains(instruments.RootElement.EnumerateArray(), i => i.GetProperty("name").GetString() == "http.server.request.duration"
            && i.GetProperty("type").GetString() == "histogram");
        using var counter = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/metrics/instrument?resource=catalog&scope=testapp&name=catalog.lookups", UriKind.Relative)));
        var series = Assert.Single(counter.RootElement.GetProperty("series").EnumerateArray());
        Assert.Equal(1, series.GetProperty("points").EnumerateArray().Last().GetProperty("v").GetDouble());
        Assert.Equal("kind", series.GetProperty("attributes")[0].GetProperty("key").GetString());

        // The telemetry resource list feeds the page filters.
        var resources = await client.GetStringAsync(new Uri("/api/telemetry/resources", UriKind.Relative));
        Assert.Contains("\"catalog\"", resources, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_without_the_api_key_are_refused_and_nothing_is_stored()
    {
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Otlp:ApiKey"] = "right-key-0123456789" });
        using var client = new HttpClient { BaseAddress = dashboard.Address };
        var (_, gateway, _) = OtlpRequests.ToolCallTrace();

        using (var missing = await OtlpRequests.PostAsync(client, "/v1/traces", gateway))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        }
        using (var wrong = await OtlpRequests.PostAsync(client, "/v1/traces", gateway, "wrong-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.Equal(0, dashboard.Service<Storage.SpanStore>().SpanCount);
        using (var right = await OtlpRequests.PostAsync(client, "/v1/traces", gateway, "right-key-0123456789"))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            Assert.Equal("application/x-protobuf", right.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(2, dashboard.Service<Storage.SpanStore>().SpanCount);
    }

    private static string? Attribute(JsonElement span, string key) => span.GetProperty("attributes").EnumerateArray()
        .Where(a => a.GetProperty("key").GetString() == key).Select(a => a.GetProperty("value").GetString()).FirstOrDefault();
}
