using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace McpAspire.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_reports_every_check_while_alive_reports_only_live_ones()
    {
        await using var app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.AddHealthChecks().AddCheck("database", () => HealthCheckResult.Unhealthy("redis is down"));
            },
            a => a.MapDefaultEndpoints());
        using var client = new HttpClient { BaseAddress = app.Address };

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var healthJson = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", healthJson.RootElement.GetProperty("status").GetString());
        var checks = healthJson.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("self").GetProperty("status").GetString());
        Assert.Equal("redis is down", checks.GetProperty("database").GetProperty("description").GetString());

        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        using var aliveJson = JsonDocument.Parse(await alive.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", aliveJson.RootElement.GetProperty("status").GetString());
        Assert.False(aliveJson.RootElement.GetProperty("checks").TryGetProperty("database", out _));
    }

    [Fact]
    public async Task What_checks_report_is_masked_because_health_answers_without_a_key()
    {
        const string Password = "HealthPw-SECRET-123456";
        const string Token = "health-SECRET-bearer-0987";
        await using var app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.AddHealthChecks().AddCheck("careless", () => HealthCheckResult.Unhealthy(
                    $"cannot reach cache at 10.0.0.5:6379,password={Password}",
                    new InvalidOperationException($"upstream said 401 to Authorization: Bearer {Token}"),
                    new Dictionary<string, object> { ["api_key"] = "k-SECRET-998877", ["endpoint"] = "10.0.0.5:6379" }));
            },
            a => a.MapDefaultEndpoints());
        using var client = new HttpClient { BaseAddress = app.Address };
        var body = await (await client.GetAsync(new Uri("/health", UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("SECRET", body, StringComparison.Ordinal);
        var check = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("careless");
        Assert.Equal("cannot reach cache at 10.0.0.5:6379,password=[redacted]", check.GetProperty("description").GetString());
        Assert.Equal("upstream said 401 to Authorization: Bearer [redacted]", check.GetProperty("error").GetString());
        Assert.Equal("10.0.0.5:6379", check.GetProperty("data").GetProperty("endpoint").GetString());
    }
}
