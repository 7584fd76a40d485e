using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace McpAspire.Hosting.Redis;

/// <summary>
/// Healthy when the server answers <c>PING</c> after authenticating with the resource's own connection string (so a wrong
/// password is unhealthy too). Gates <c>WaitFor</c>: services start only once Redis really serves them.
/// </summary>
public sealed class RedisPingHealthCheck : IHealthCheck
{
    private readonly IResourceWithConnectionString _resource;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    /// <summary>Creates the check for <paramref name="resource"/>.</summary>
    public RedisPingHealthCheck(IResourceWithConnectionString resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        _resource = resource;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer PING", ex);
        }
    }

    /// <summary>Closes the connection (when the app stops; the check is one instance for the app's life).</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsConnected: true } ready)
        {
            return ready;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsConnected: true } connected)
            {
                return connected;
            }
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
            var connectionString = await _resource.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Resource '{_resource.Name}' has no connection string yet.");
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 2000;
            options.ConnectRetry = 0;
            _connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }
}
