using System.Net.Sockets;
using System.Text;
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
        app.MapGet("/diagnostics/environment", async (IConfiguration configuration, ServiceEndpointResolver resolver, IHttpClientFactory httpClients, CancellationToken ct) =>
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
                var (host, port, password) = ParseRedis(redis);
                redisEndpoint = $"{host}:{port}";
                redisReply = await PingAsync(host, port, password, ct);
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

    private static (string Host, int Port, string? Password) ParseRedis(string connectionString)
    {
        var parts = connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoint = parts[0];
        var password = parts.Skip(1).Select(p => p.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0].Equals("password", StringComparison.OrdinalIgnoreCase)).Select(kv => kv[1]).FirstOrDefault();
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], out var port) ? (endpoint[..colon], port, password) : (endpoint, 6379, password);
    }

    // A minimal RESP exchange until the McpAspire.Redis client is wired into the gateway.
    private static async Task<string> PingAsync(string host, int port, string? password, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, timeout.Token);
            var stream = tcp.GetStream();
            var request = password is null
                ? "*1\r\n$4\r\nPING\r\n"
                : $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), timeout.Token);
            var buffer = new byte[256];
            var text = new StringBuilder();
            while (!text.ToString().Contains("PONG", StringComparison.Ordinal) && !text.ToString().StartsWith('-'))
            {
                var n = await stream.ReadAsync(buffer, timeout.Token);
                if (n == 0)
                {
                    break;
                }
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            return lines.Length == 0 ? "(no reply)" : lines[^1].TrimStart('+');
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
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
