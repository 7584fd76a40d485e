using System.Diagnostics;
using System.Diagnostics.Metrics;
using McpAspire.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.Redis.Tests;

public sealed class HostingAndTelemetryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static IHost BuildHost(string? connectionString, CollectingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        if (connectionString is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString });
        }
        builder.AddRedisClient("redis");
        return builder.Build();
    }

    [Fact]
    public async Task AddRedisClient_starts_while_redis_is_down_and_turns_healthy_when_it_is_up()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await server.KillAsync();
        var logs = new CollectingLoggerProvider();
        using var host = BuildHost(server.ConnectionString + ",asyncTimeout=300,reconnectBaseDelay=50,reconnectMaxDelay=200", logs);
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["redis"].Status);

        await server.StartAgainAsync();
        var deadline = DateTime.UtcNow + Bound;
        while ((report = await health.CheckHealthAsync()).Entries["redis"].Status != HealthStatus.Healthy)
        {
            Assert.True(DateTime.UtcNow < deadline, $"redis never became healthy: {report.Entries["redis"].Description}");
            await Task.Delay(50);
        }
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        Assert.True(await multiplexer.GetDatabase().StringSetAsync("hosted", "yes"));
        Assert.Contains(logs.Messages, m => m.Category == "McpAspire.Redis.ConnectionMultiplexer" && m.Text.StartsWith("Connected to 127.0.0.1:", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public void AddRedisClient_fails_at_start_up_for_missing_or_bad_connection_strings()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => BuildHost(null));
        Assert.Contains("ConnectionStrings:redis", missing.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<InvalidOperationException>(() => BuildHost("localhost:6379,ssl=perhaps"));
        Assert.Contains("ssl=perhaps", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_emit_spans_and_duration_metrics_with_db_conventions()
    {
        await using var server = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        await using var client = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var key = Keys.New("telemetry");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "McpAspire.Redis",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("db.operation.name") is "HGET")
                {
                    lock (spans)
                    {
                        spans.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var durations = new List<(double Seconds, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "McpAspire.Redis" && instrument.Name == "db.client.operation.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }
            lock (durations)
            {
                durations.Add((value, map));
            }
        });
        meterListener.Start();

        using var parent = new Activity("caller").Start();
        await client.GetDatabase().HashGetAsync(key, "f");
        Assert.Same(parent, Activity.Current);
        parent.Stop();

        Activity span;
        lock (spans)
        {
            span = Assert.Single(spans);
        }
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(parent.TraceId, span.TraceId);
        Assert.Equal("redis", span.GetTagItem("db.system.name"));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(server.Port, span.GetTagItem("server.port"));
        lock (durations)
        {
            var hget = Assert.Single(durations, d => (string?)d.Tags["db.operation.name"] == "HGET");
            Assert.True(hget.Seconds > 0);
            Assert.Equal("redis", hget.Tags["db.system.name"]);
        }
    }
}

/// <summary>Collects log messages (category, text) for assertions.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<(string Category, string Text)> _messages = [];

    public IReadOnlyList<(string Category, string Text)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._messages)
            {
                owner._messages.Add((category, formatter(state, exception)));
            }
        }
    }
}
