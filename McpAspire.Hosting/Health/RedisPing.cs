using System.Net.Sockets;
using System.Text;

namespace McpAspire.Hosting.Health;

/// <summary>
/// The smallest Redis health check: <c>AUTH password</c> then <c>PING</c> in RESP over a raw socket, expecting
/// <c>+OK</c> and <c>+PONG</c>. Used by the Redis resource so Hosting needs no Redis client.
/// </summary>
public static class RedisPing
{
    /// <summary>True when the server accepts the password and answers PONG within <paramref name="timeout"/>.</summary>
    public static async Task<bool> PingAsync(string host, int port, string? password, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var request = new StringBuilder();
            if (!string.IsNullOrEmpty(password))
            {
                request.Append("*2\r\n$4\r\nAUTH\r\n$").Append(Encoding.UTF8.GetByteCount(password)).Append("\r\n").Append(password).Append("\r\n");
            }
            request.Append("*1\r\n$4\r\nPING\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cts.Token).ConfigureAwait(false);
            var buffer = new byte[512];
            var received = new StringBuilder();
            while (true)
            {
                var n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                var text = received.ToString();
                if (text.StartsWith('-'))
                {
                    return false; // -WRONGPASS, -NOAUTH, -LOADING…
                }
                if (text.Contains("+PONG\r\n", StringComparison.Ordinal))
                {
                    return string.IsNullOrEmpty(password) || text.StartsWith("+OK\r\n", StringComparison.Ordinal);
                }
                if (text.Length > 4096)
                {
                    return false;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Sends AUTH and one argument-less command (e.g. <c>COMMITAOF</c>); true when the reply is not an error.</summary>
    public static async Task<bool> SendAsync(string host, int port, string? password, string command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            var request = new StringBuilder();
            var replies = 1;
            if (!string.IsNullOrEmpty(password))
            {
                request.Append("*2\r\n$4\r\nAUTH\r\n$").Append(Encoding.UTF8.GetByteCount(password)).Append("\r\n").Append(password).Append("\r\n");
                replies++;
            }
            request.Append("*1\r\n$").Append(Encoding.UTF8.GetByteCount(command)).Append("\r\n").Append(command).Append("\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cts.Token).ConfigureAwait(false);
            var buffer = new byte[512];
            var received = new StringBuilder();
            while (received.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length < replies)
            {
                var n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }
                received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
            return !received.ToString().Split("\r\n").Any(l => l.StartsWith('-'));
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Parses <c>host:port,password=…</c> (StackExchange.Redis format) into what <see cref="PingAsync"/> needs.</summary>
    public static (string Host, int Port, string? Password) ParseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        string? endpoint = null;
        string? password = null;
        foreach (var part in connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                endpoint ??= part;
            }
            else if (part[..eq].Trim().Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                password = part[(eq + 1)..];
            }
        }
        if (endpoint is null)
        {
            throw new FormatException($"Redis connection string has no host:port: '{Redact(connectionString)}'.");
        }
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return (endpoint.Trim('[', ']'), 6379, password);
        }
        return (endpoint[..colon].Trim('[', ']'), port, password);
    }

    private static string Redact(string s) => System.Text.RegularExpressions.Regex.Replace(s, "password=[^,]*", "password=***", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}
