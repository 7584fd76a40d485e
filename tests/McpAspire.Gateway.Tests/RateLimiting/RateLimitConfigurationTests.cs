using System.Net;
using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Gateway.Tests.RateLimiting;

/// <summary><c>Gateway:RateLimits</c>: validated at start-up, off when absent, in-process without Redis.</summary>
public sealed class RateLimitConfigurationTests
{
    private static WebApplication Build(params (string Key, string? Value)[] settings) =>
        GatewayApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Gateway:Auth:AllowAnonymous"] = "true" };
            foreach (var (key, value) in settings)
            {
                merged[key] = value; // later entries override the defaults before them
            }
            b.Configuration.AddInMemoryCollection(merged);
        });

    [Theory]
    [InlineData("Principal:Limit", "0", "Principal:Limit: must be at least 1")]
    [InlineData("Principal:Window", "-00:00:01", "Principal:Window: must be between 1 ms and 1 day")]
    [InlineData("Principal:Burst", "0", "Principal:Burst: must be at least 1")]
    [InlineData("Principal:Window", "soon", "Gateway:RateLimits is invalid")]
    [InlineData("Principal:Limt", "5", "Limt")]
    [InlineData("Tools:bad name!:Limit", "5", "not a tool name the gateway can expose")]
    [InlineData("ExemptMethods:0", "tools/call", "tools/call is exempt")]
    [InlineData("Store", "Redis", "ConnectionStrings:redis is not configured")]
    [InlineData("Store", "Disk", "Gateway:RateLimits is invalid")]
    [InlineData("RedisTimeout", "00:00:00", "RedisTimeout: must be more than 0")]
    public void Bad_configuration_stops_start_up_with_the_key_named(string key, string value, string expected)
    {
        var ex = Assert.Throws<GatewayConfigurationException>(() => Build(
            ("Gateway:RateLimits:Principal:Limit", "10"), ("Gateway:RateLimits:Principal:Window", "00:01:00"),
            ("Gateway:RateLimits:Tool:Limit", "5"), ("Gateway:RateLimits:Tool:Window", "00:01:00"),
            ($"Gateway:RateLimits:{key}", value)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_without_any_limit_is_an_error_unless_disabled()
    {
        var ex = Assert.Throws<GatewayConfigurationException>(() => Build(("Gateway:RateLimits:ExemptMethods:0", "ping")));
        Assert.Contains("no limit is defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Absent_or_disabled_limits_register_nothing()
    {
        await using (var absent = Build())
        {
            Assert.Null(absent.Services.GetService<RateLimitFilter>());
        }
        await using var disabled = Build(("Gateway:RateLimits:Enabled", "false"), ("Gateway:RateLimits:Principal:Limit", "1"), ("Gateway:RateLimits:Principal:Window", "00:01:00"));
        Assert.Null(disabled.Services.GetService<RateLimitFilter>());
        Assert.Null(disabled.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>());
    }

    [Fact]
    public async Task Without_redis_one_gateway_limits_in_process()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        var settings = Downstreams.Http("toolhost", toolHost.McpUri);
        settings["Gateway:RateLimits:Principal:Limit"] = "2";
        settings["Gateway:RateLimits:Principal:Window"] = "01:00:00";
        await using var gateway = await LimitedGateway.StartAsync(settings);
        await gateway.WaitReadyAsync();
        Assert.Null(gateway.App.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>());
        Assert.IsType<InMemoryRateLimitStore>(gateway.App.Services.GetRequiredService<IRateLimitStore>());
        using var http = new HttpClient();

        LimitedCalls.AssertServed(await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "frank", "echo", 1)));
        LimitedCalls.AssertServed(await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "frank", "echo", 2)));
        LimitedCalls.AssertLimited(await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "frank", "echo", 3)), "principal", 2, 3);
        LimitedCalls.AssertServed(await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "grace", "echo", 4)));

        // A made-up tool name gets no bucket of its own (it cannot be exposed), but still counts for its principal.
        using var odd = LimitedCalls.Stateless(gateway.McpUri, "grace", "no such tool", 5);
        var response = await LimitedCalls.SendAsync(http, odd);
        Assert.NotEqual((HttpStatusCode)429, response.Status);
        LimitedCalls.AssertLimited(await LimitedCalls.SendAsync(http, LimitedCalls.Stateless(gateway.McpUri, "grace", "echo", 6)), "principal", 2, 6);
    }
}
