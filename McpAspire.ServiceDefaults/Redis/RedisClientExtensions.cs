using McpAspire.Redis;
using McpAspire.ServiceDefaults.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>builder.AddRedisClient("redis")</c>, the shape of Aspire.StackExchange.Redis: the connection string comes from
/// <c>ConnectionStrings:{name}</c> (StackExchange.Redis format or redis:// URI), the multiplexer is a singleton that
/// connects in the background (the app starts while Redis is down and recovers when it returns), a PING health check
/// named after the connection, and the client's <c>McpAspire.Redis</c> spans and metrics (collected by the service
/// defaults' <c>McpAspire.*</c> wildcard).
/// </summary>
public static class RedisClientExtensions
{
    /// <summary>Registers <see cref="IConnectionMultiplexer"/> for the named connection string.</summary>
    /// <exception cref="InvalidOperationException">The connection string is missing or invalid (at start-up, not on first use).</exception>
    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string connectionName, Action<ConfigurationOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"Redis connection string 'ConnectionStrings:{connectionName}' is not configured (expected host:port,password=… or redis://…).");
        }
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Redis connection string 'ConnectionStrings:{connectionName}' is invalid: {ex.Message}", ex);
        }
        configure?.Invoke(options);
        options.AbortOnConnectFail = false;
        options.Validate();

        builder.Services.TryAddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configured = options.Clone();
            configured.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            return ConnectionMultiplexer.CreateLazy(configured);
        });
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName, tags: ["ready"]);
        return builder;
    }
}
