using System.Net;
using System.Text.Json;
using McpAspire.Dashboard.Otlp.Proto.Logs.V1;
using McpAspire.Dashboard.Tests.Infrastructure;

namespace McpAspire.Dashboard.Tests;

/// <summary>The pages' JSON API: filters work, bad query values are 400 problem+json, unknown items 404.</summary>
public sealed class ApiQueryTests : IAsyncLifetime
{
    private DashboardServer _dashboard = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _dashboard = await DashboardServer.StartAsync();
        _client = await _dashboard.CreateClientAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _dashboard.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/traces?limit=abc", "limit")]
    [InlineData("/api/traces?limit=0", "limit")]
    [InlineData("/api/traces?minDurationMs=-1", "minDurationMs")]
    [InlineData("/api/traces?minDurationMs=NaN", "minDurationMs")]
    [InlineData("/api/traces?errorsOnly=maybe", "errorsOnly")]
    [InlineData("/api/logs?level=Loud", "level")]
    [InlineData("/api/logs?afterId=-5", "afterId")]
    [InlineData("/api/metrics/instrument?resource=x", "name")]
    public async Task Bad_query_values_are_400_problem_json_naming_the_parameter(string url, string parameter)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(parameter, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/traces/0123456789abcdef0123456789abcdef")]
    [InlineData("/api/metrics/instrument?resource=x&scope=y&name=z")]
    public async Task Unknown_items_are_404_problem_json(string url)
    {
        using var response = await _client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Log_filters_combine_and_after_id_returns_only_newer_records()
    {
        (await OtlpRequests.PostAsync(_client, "/v1/logs", OtlpRequests.Logs("gateway",
            (SeverityNumber.Debug, "cache miss"), (SeverityNumber.Warn, "slow downstream"), (SeverityNumber.Error, "downstream failed")))).EnsureSuccessStatusCode();
        (await OtlpRequests.PostAsync(_client, "/v1/logs", OtlpRequests.Logs("toolhost", (SeverityNumber.Error, "tool failed")))).EnsureSuccessStatusCode();

        using var errors = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/api/logs?level=Warning&resource=gateway", UriKind.Relative)));
        Assert.Equal(["downstream failed", "slow downstream"], Messages(errors));
        using var text = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/api/logs?text=FAILED", UriKind.Relative)));
        Assert.Equal(["tool failed", "downstream failed"], Messages(text));

        var lastId = text.RootElement.GetProperty("lastId").GetInt64();
        (await OtlpRequests.PostAsync(_client, "/v1/logs", OtlpRequests.Logs("toolhost", (SeverityNumber.Info, "recovered")))).EnsureSuccessStatusCode();
        using var newer = JsonDocument.Parse(await _client.GetStringAsync(new Uri($"/api/logs?afterId={lastId}", UriKind.Relative)));
        Assert.Equal(["recovered"], Messages(newer));
    }

    private static List<string?> Messages(JsonDocument logs) =>
        logs.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("message").GetString()).ToList();
}
