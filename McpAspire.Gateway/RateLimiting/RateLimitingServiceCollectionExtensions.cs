using McpAspire.Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>Registers the gateway's rate limits from <c>Gateway:RateLimits</c> (nothing at all when the section is absent or disabled).</summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>The connection name read from <c>ConnectionStrings</c> (the AppHost's <c>WithReference(redis)</c>).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// Validates <c>Gateway:RateLimits</c> now (a bad section stops start-up with every problem named) and, when limits
    /// are defined, adds <see cref="RateLimitFilter"/> (run by <see cref="RateLimitMiddleware"/>) with a Redis store (<c>AddRedisClient("redis")</c>) or an
    /// in-process one.
    /// </summary>
    /// <exception cref="GatewayConfigurationException">The section is invalid, or Store=Redis without a connection string.</exception>
    public static WebApplicationBuilder AddGatewayRateLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(RateLimitOptions.SectionName);
        if (!section.Exists())
        {
            return builder;
        }
        RateLimitOptions options;
        try
        {
            // Unknown keys are errors: a misspelt "Limt" must not silently mean "no limit".
            options = section.Get<RateLimitOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new RateLimitOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new GatewayConfigurationException($"{RateLimitOptions.SectionName} is invalid: {ex.Message}");
        }
        var validation = new RateLimitOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new GatewayConfigurationException("Invalid rate limits: " + string.Join(" ", validation.Failures));
        }
        if (!options.HasLimits)
        {
            return builder; // Enabled=false
        }

        var hasRedis = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName));
        var store = options.Store switch
        {
            RateLimitStoreKind.Auto => hasRedis ? RateLimitStoreKind.Redis : RateLimitStoreKind.Memory,
            RateLimitStoreKind.Redis when !hasRedis => throw new GatewayConfigurationException(
                $"{RateLimitOptions.SectionName}:Store is Redis but ConnectionStrings:{RedisConnectionName} is not configured."),
            var kind => kind,
        };

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RateLimitMetrics>();
        if (store == RateLimitStoreKind.Redis)
        {
            builder.AddDefaultRedisClient(RedisConnectionName, options.RedisTimeout);
            // The limiter fails open, so Redis being down degrades the gateway but does not make it unready.
            builder.Services.PostConfigure<HealthCheckServiceOptions>(health =>
            {
                foreach (var registration in health.Registrations.Where(r => r.Name.StartsWith("StackExchange.Redis", StringComparison.Ordinal)))
                {
                    registration.FailureStatus = HealthStatus.Degraded;
                }
            });
            builder.Services.AddSingleton<IRateLimitStore, RedisRateLimitStore>();
        }
        else
        {
            builder.Services.AddSingleton<IRateLimitStore, InMemoryRateLimitStore>();
        }
        builder.Services.AddSingleton<RateLimitFilter>();
        return builder;
    }
}
