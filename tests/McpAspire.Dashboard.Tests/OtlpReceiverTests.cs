using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using McpAspire.Dashboard.Otlp.Proto.Collector.Trace.V1;
using McpAspire.Dashboard.Storage;
using McpAspire.Dashboard.Tests.Infrastructure;

namespace McpAspire.Dashboard.Tests;

/// <summary>The OTLP/HTTP receiver's formats and its answers to bad input (never a 500).</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private DashboardServer _dashboard = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["Dashboard:Otlp:MaxRequestBytes"] = "65536" });
        _client = new HttpClient { BaseAddress = _dashboard.Address };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _dashboard.DisposeAsync();
    }

    [Theory]
    [InlineData("/v1/traces")]
    [InlineData("/v1/metrics")]
    [InlineData("/v1/logs")]
    public async Task Garbage_protobuf_is_400_problem_json(string path)
    {
        using var response = await PostRaw(path, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01], "application/x-protobuf");
        await AssertProblem(response, HttpStatusCode.BadRequest, "could not be decoded");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"resourceSpans\": 5}")]
    [InlineData("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"startTimeUnixNano\": \"soon\"}]}]}]}")]
    [InlineData("[]")]
    public async Task Invalid_json_is_400_problem_json(string body)
    {
        using var response = await PostRaw("/v1/traces", Encoding.UTF8.GetBytes(body), "application/json");
        await AssertProblem(response, HttpStatusCode.BadRequest, "could not be decoded");
    }

    [Fact]
    public async Task Invalid_utf8_json_is_400()
    {
        using var response = await PostRaw("/v1/logs", [0x7b, 0xff, 0xfe, 0x7d], "application/json");
        await AssertProblem(response, HttpStatusCode.BadRequest, "could not be decoded");
    }

    [Fact]
    public async Task Unsupported_content_type_and_encoding_are_415()
    {
        using (var response = await PostRaw("/v1/traces", [1, 2, 3], "text/plain"))
        {
            await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "application/x-protobuf");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/traces", UriKind.Relative))
        {
            Content = new ByteArrayContent([1, 2, 3]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        request.Content.Headers.ContentEncoding.Add("br");
        using var encoded = await _client.SendAsync(request);
        await AssertProblem(encoded, HttpStatusCode.UnsupportedMediaType, "Content-Encoding");
    }

    [Fact]
    public async Task Body_over_the_cap_is_413_and_corrupt_gzip_is_400()
    {
        using (var response = await PostRaw("/v1/traces", new byte[70_000], "application/x-protobuf"))
        {
            await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "MaxRequestBytes");
        }
        // A small gzip body that expands past the cap is refused as well (no decompression bomb).
        using (var bomb = await PostRaw("/v1/traces", Gzip(new byte[1_000_000]), "application/x-protobuf", gzip: true))
        {
            await AssertProblem(bomb, HttpStatusCode.RequestEntityTooLarge, "MaxRequestBytes");
        }
        using var corrupt = await PostRaw("/v1/traces", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad], "application/x-protobuf", gzip: true);
        await AssertProblem(corrupt, HttpStatusCode.BadRequest, "gzip");
    }

    [Fact]
    public async Task Gzip_protobuf_is_accepted()
    {
        var (traceId, gateway, _) = OtlpRequests.ToolCallTrace();
        using var response = await PostRaw("/v1/traces", Gzip(gateway.ToByteArray()), "application/x-protobuf", gzip: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _dashboard.Service<SpanStore>().GetTrace(traceId)!.Count);
    }

    [Fact]
    public async Task Json_with_hex_ids_is_stored_with_the_same_ids_and_answered_in_json()
    {
        const string body = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"jsonsvc"}}]},
             "scopeSpans":[{"scope":{"name":"s"},"spans":[
               {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174","name":"root","kind":2,
                "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
                "attributes":[{"key":"mcp.method.name","value":{"stringValue":"tools/call"}},{"key":"n","value":{"intValue":"5"}},
                              {"key":"list","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}}],
                "status":{"code":2,"message":"failed"}},
               {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"child",
                "startTimeUnixNano":1544712660100000000,"endTimeUnixNano":1544712660200000000}]}]}]}
            """;
        using var response = await PostRaw("/v1/traces", Encoding.UTF8.GetBytes(body), "application/json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var spans = _dashboard.Service<SpanStore>().GetTrace("5b8efff798038103d269b633813fc60c");
        Assert.NotNull(spans);
        Assert.Equal(2, spans.Count);
        var root = spans[0];
        Assert.Equal("eee19b7ec3c1b174", root.SpanId);
        Assert.Equal("Error", root.Status);
        Assert.Equal("Server", root.Kind);
        Assert.Contains(root.Attributes, a => a.Key == "n" && a.Value == "5");
        Assert.Contains(root.Attributes, a => a.Key == "list" && a.Value == "[\"a\", true]");
        Assert.Equal("eee19b7ec3c1b174", spans[1].ParentSpanId);
        Assert.Equal(1000, _dashboard.Service<SpanStore>().GetSummary("5b8efff798038103d269b633813fc60c")!.DurationMs);
    }

    [Fact]
    public async Task Json_logs_and_metrics_are_stored()
    {
        const string logs = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"jsonlogs"}}]},
             "scopeLogs":[{"scope":{"name":"My.Category"},"logRecords":[
               {"timeUnixNano":"1544712660300000000","severityNumber":17,"severityText":"Error","body":{"stringValue":"disk full"},
                "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","attributes":[{"key":"path","value":{"stringValue":"/var"}}]}]}]}]}
            """;
        using (var response = await PostRaw("/v1/logs", Encoding.UTF8.GetBytes(logs), "application/json; charset=utf-8"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var record = Assert.Single(_dashboard.Service<LogStore>().Query(new LogQuery { Resource = "jsonlogs" }));
        Assert.Equal("disk full", record.Message);
        Assert.Equal("Error", record.Level);
        Assert.Equal("My.Category", record.Scope);
        Assert.Equal("5b8efff798038103d269b633813fc60c", record.TraceId);
        Assert.Equal("eee19b7ec3c1b174", record.SpanId);

        const string metrics = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"jsonmetrics"}}]},
             "scopeMetrics":[{"scope":{"name":"m"},"metrics":[
               {"name":"requests","unit":"{request}","sum":{"aggregationTemporality":2,"isMonotonic":true,
                "dataPoints":[{"timeUnixNano":"1544712660300000000","asInt":"12","attributes":[{"key":"route","value":{"stringValue":"/a"}}]}]}},
               {"name":"latency","unit":"ms","histogram":{"aggregationTemporality":2,
                "dataPoints":[{"timeUnixNano":"1544712660300000000","count":"4","sum":10,"bucketCounts":["1","3"],"explicitBounds":[2]}]}}]}]}]}
            """;
        using (var response = await PostRaw("/v1/metrics", Encoding.UTF8.GetBytes(metrics), "application/json"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var store = _dashboard.Service<MetricStore>();
        var sum = store.GetInstrument("jsonmetrics", "m", "requests")!;
        Assert.True(sum.IsMonotonic && sum.IsCumulative);
        Assert.Equal(12, Assert.Single(Assert.Single(sum.Series).Points).Value);
        var histogram = store.GetInstrument("jsonmetrics", "m", "latency")!;
        var series = Assert.Single(histogram.Series);
        Assert.Equal(4UL, series.Points[0].Count);
        Assert.Equal([1UL, 3UL], series.BucketCounts!);
    }

    [Fact]
    public async Task Spans_with_invalid_ids_are_reported_as_partial_success_and_the_rest_stored()
    {
        var (traceId, gateway, _) = OtlpRequests.ToolCallTrace();
        gateway.ResourceSpans[0].ScopeSpans[0].Spans.Add(new Otlp.Proto.Trace.V1.Span { Name = "no ids" });
        using var response = await PostRaw("/v1/traces", gateway.ToByteArray(), "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.Equal(2, _dashboard.Service<SpanStore>().GetTrace(traceId)!.Count);
    }

    [Fact]
    public async Task Empty_export_is_ok()
    {
        using var response = await PostRaw("/v1/metrics", [], "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostRaw(string path, byte[] body, string contentType, bool gzip = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }
        return await _client.SendAsync(request);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailFragment)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detailFragment, problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
