using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire's <c>AddRedisClient</c> (Aspire.StackExchange.Redis: the <see cref="IConnectionMultiplexer"/> singleton,
/// health check, logging and tracing) with the connection behaviour every McpAspire service relies on.
/// </summary>
public static class RedisClientDefaults
{
    /// <summary>Default command timeout: a request that needs Redis fails within it rather than hanging.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Registers the multiplexer for <c>ConnectionStrings:{connectionName}</c> with <see cref="Apply"/>'s settings.
    /// </summary>
    public static IHostApplicationBuilder AddDefaultRedisClient(this IHostApplicationBuilder builder, string connectionName, TimeSpan? commandTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName))
            && string.IsNullOrWhiteSpace(builder.Configuration[$"Aspire:StackExchange:Redis:{connectionName}:ConnectionString"])
            && string.IsNullOrWhiteSpace(builder.Configuration["Aspire:StackExchange:Redis:ConnectionString"]))
        {
            // Fail at start-up with the key to set, not on the first request.
            throw new InvalidOperationException($"Redis connection string 'ConnectionStrings:{connectionName}' is not configured (expected host:port,password=…).");
        }
        // Like the rest of the telemetry: Redis spans only when they can leave the process (ConfigureOpenTelemetry).
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.AddRedisClient(connectionName,
            configureSettings: settings => settings.DisableTracing |= !exporting,
            configureOptions: options => Apply(options, commandTimeout ?? DefaultCommandTimeout));
        return builder;
    }

    /// <summary>
    /// The settings: the app starts while Redis is down and reconnects in the background (<c>AbortOnConnectFail=false</c>,
    /// a short linear reconnect policy so it is back within about a second of Redis returning); while disconnected,
    /// commands fail at once (<see cref="BacklogPolicy.FailFast"/>) so callers answer 503 instead of queueing; every
    /// command is bounded by <paramref name="commandTimeout"/>; admin mode on for the health check's CLUSTER INFO.
    /// </summary>
    public static void Apply(ConfigurationOptions options, TimeSpan commandTimeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeoutMs = (int)Math.Clamp(commandTimeout.TotalMilliseconds, 100, int.MaxValue);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.ConnectRetry = Math.Max(options.ConnectRetry, 1);
        options.SyncTimeout = timeoutMs;
        options.AsyncTimeout = timeoutMs;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.KeepAlive = options.KeepAlive > 0 ? Math.Min(options.KeepAlive, 5) : 5;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        // Aspire's Redis health check asks a cluster for CLUSTER INFO, which the client gates behind admin mode (a
        // client-side latch only: our code sends no admin command).
        options.AllowAdmin = true;
    }
}
