using StackExchange.Redis;
using McpAspire.ServiceDefaults.ServiceDiscovery;

namespace McpAspire.Gateway.Diagnostics;

/// <summary>
/// <c>GET /diagnostics/environment</c> (Development only): what this replica received from the AppHost's environment
/// contract — the resolved <c>statesvc</c> URL and whether a request through service discovery reaches it, whether
/// Redis answers AUTH + PING with <c>ConnectionStrings:redis</c> (the password is never echoed), and the OpenTelemetry
/// identity. The AppHost's end-to-end tests read it.
/// </summary>
public static class EnvironmentContractEndpoints
{
    /// <summary>Maps the endpoint when the app runs in Development.</summary>
    public static WebApplication MapEnvironmentContractEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            return app;
        }
        app.MapGet("/diagnostics/environment", async (IConfiguration configuration, IServiceProvider services, ServiceEndpointResolver resolver, IHttpClientFactory httpClients, CancellationToken ct) =>
        {
            string? statesvcUrl = null;
            string? statesvcError = null;
            int? statesvcHealth = null;
            try
            {
                statesvcUrl = resolver.Resolve(new Uri("http://statesvc")).ToString();
                using var client = httpClients.CreateClient("diagnostics");
                using var response = await client.GetAsync(new Uri("http://statesvc/health"), ct);
                statesvcHealth = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is ServiceDiscoveryException or HttpRequestException or TaskCanceledException)
            {
                statesvcError = ex.Message;
            }

            var redis = configuration.GetConnectionString("redis");
            string? redisEndpoint = null;
            string? redisReply = null;
            if (redis is not null)
            {
                redisEndpoint = redis.Split(',', 2)[0];
                redisReply = await PingAsync(services, redis);
            }
            return Results.Ok(new EnvironmentReport(
                statesvcUrl,
                statesvcHealth,
                statesvcError,
                redisEndpoint,
                redis?.Contains("password=", StringComparison.OrdinalIgnoreCase) == true,
                redisReply,
                configuration["OTEL_SERVICE_NAME"],
                configuration["OTEL_RESOURCE_ATTRIBUTES"],
                configuration["OTEL_EXPORTER_OTLP_ENDPOINT"],
                configuration["MCPASPIRE_REPLICA_NAME"],
                Environment.ProcessId));
        });
        return app;
    }

    // A PING through StackExchange.Redis: the gateway's own multiplexer when it has one (Redis rate limits), else a
    // short-lived connection for this diagnostic only.
    private static async Task<string> PingAsync(IServiceProvider services, string connectionString)
    {
        try
        {
            if (services.GetService<IConnectionMultiplexer>() is { } shared)
            {
                await shared.GetDatabase().PingAsync().ConfigureAwait(false);
                return "PONG";
            }
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            options.ConnectRetry = 1;
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            await redis.GetDatabase().PingAsync().ConfigureAwait(false);
            return "PONG";
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException)
        {
            return "error: " + ex.Message;
        }
    }

    /// <summary>The report.</summary>
    public sealed record EnvironmentReport(
        string? StatesvcUrl,
        int? StatesvcHealthStatus,
        string? StatesvcError,
        string? RedisEndpoint,
        bool RedisHasPassword,
        string? RedisPing,
        string? OtelServiceName,
        string? OtelResourceAttributes,
        string? OtlpEndpoint,
        string? ReplicaName,
        int ProcessId);
}
