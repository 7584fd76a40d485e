using McpAspire.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.ServiceDefaults.Tests;

/// <summary>
/// StackExchange.Redis logs each step of a connect at Information (~28 records per service start, which DCP streams to
/// the AppHost and the dashboard): the service defaults keep its warnings and errors only, unless configuration says
/// otherwise.
/// </summary>
public sealed class QuietRedisLogsTests
{
    [Fact]
    public void Redis_information_records_are_off_and_its_warnings_are_kept()
    {
        var lines = Log(configuredLevel: null);
        Assert.DoesNotContain(lines, l => l.Contains("connect step", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("connection lost", StringComparison.Ordinal));
        // Other categories keep the usual level.
        Assert.Contains(lines, l => l.Contains("service started", StringComparison.Ordinal));
    }

    [Fact]
    public void Configuration_turns_redis_information_records_back_on()
    {
        var lines = Log(configuredLevel: "Information");
        Assert.Contains(lines, l => l.Contains("connect step", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Log(string? configuredLevel)
    {
        var builder = Host.CreateApplicationBuilder();
        if (configuredLevel is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:StackExchange.Redis", configuredLevel)]);
        }
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<ILoggerFactory>();
        var redis = factory.CreateLogger("StackExchange.Redis.ConnectionMultiplexer");
        redis.LogInformation("connect step");
        redis.LogWarning("connection lost");
        factory.CreateLogger("McpAspire.Sample").LogInformation("service started");
        return logs.Lines;
    }
}
