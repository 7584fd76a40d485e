using System.Net;
using System.Text.Json;
using McpAspire.Dashboard.Otlp.Proto.Logs.V1;
using McpAspire.Dashboard.Tests.Infrastructure;

namespace McpAspire.Dashboard.Tests;

/// <summary>
/// Defence in depth: a sender that does not mask its secrets (not every OTLP exporter uses our service defaults) still
/// gets them masked by the dashboard before they are stored, so no page, API or MCP tool can show them.
/// </summary>
public sealed class SecretRedactionTests
{
    private const string Bearer = "eyJhbGciOi.DASHBOARD-SECRET-bearer.c2ln";
    private const string ApiKey = "dash-SECRET-apikey-0099887766";
    private const string QueryToken = "dash-SECRET-query-token-5544";

    [Fact]
    public async Task Sensitive_attributes_bearer_values_and_query_tokens_are_masked_in_traces_and_logs()
    {
        await using var dashboard = await DashboardServer.StartAsync();
        using var ingest = new HttpClient { BaseAddress = dashboard.Address };
        var traceId = OtlpRequests.NewTraceId();
        var span = OtlpRequests.MakeSpan(traceId, OtlpRequests.NewSpanId(), null, "GET /hook", OtlpRequests.Now, 5, attributes:
        [
            OtlpRequests.Attr("http.request.header.authorization", "Bearer " + Bearer),
            OtlpRequests.Attr("http.request.header.x-api-key", ApiKey),
            OtlpRequests.Attr("url.full", $"https://peer.example/hook?access_token={QueryToken}&page=2"),
            OtlpRequests.Attr("note", "forwarded Authorization: Bearer " + Bearer),
            OtlpRequests.Attr("url.path", "/hook"),
        ]);
        Assert.Equal(HttpStatusCode.OK, (await OtlpRequests.PostAsync(ingest, "/v1/traces", OtlpRequests.Traces("leaky", span))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OtlpRequests.PostAsync(ingest, "/v1/logs",
            OtlpRequests.Logs("leaky", (SeverityNumber.Warn, $"calling https://peer.example/hook?api_key={ApiKey} with Bearer {Bearer}")))).StatusCode);

        using var client = await dashboard.CreateClientAsync();
        var detail = await Eventually.GetAsync(
            async () => await client.GetStringAsync(new Uri($"/api/traces/{traceId}", UriKind.Relative)),
            d => d!.Contains("/hook", StringComparison.Ordinal),
            "the span in /api/traces/{id}");
        var logs = await Eventually.GetAsync(
            async () => await client.GetStringAsync(new Uri("/api/logs?resource=leaky", UriKind.Relative)),
            d => d!.Contains("calling", StringComparison.Ordinal),
            "the log in /api/logs");

        foreach (var secret in new[] { Bearer, ApiKey, QueryToken })
        {
            Assert.DoesNotContain(secret, detail, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
        using var json = JsonDocument.Parse(detail);
        var attributes = json.RootElement.GetProperty("spans")[0].GetProperty("attributes").EnumerateArray()
            .ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetString()!);
        Assert.Equal("[redacted]", attributes["http.request.header.authorization"]);
        Assert.Equal("[redacted]", attributes["http.request.header.x-api-key"]);
        Assert.Equal("https://peer.example/hook?access_token=[redacted]&page=2", attributes["url.full"]);
        Assert.Equal("forwarded Authorization: Bearer [redacted]", attributes["note"]);
        Assert.Equal("/hook", attributes["url.path"]);
        Assert.Contains("api_key=[redacted] with Bearer [redacted]", logs, StringComparison.Ordinal);
    }
}
