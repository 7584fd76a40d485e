namespace McpAspire.Redis;

/// <summary>
/// The server answered MOVED or ASK: it is a cluster node and the key lives elsewhere. This client does not route
/// cluster slots yet; connect to a standalone server (or a proxy) instead.
/// </summary>
public sealed class RedisClusterRedirectException : RedisServerException
{
    /// <summary>Creates the exception.</summary>
    public RedisClusterRedirectException()
    {
    }

    /// <summary>Creates the exception from the server's MOVED/ASK text.</summary>
    public RedisClusterRedirectException(string serverMessage)
        : base($"{serverMessage} (cluster redirect: McpAspire.Redis does not support cluster routing yet; connect to a standalone Redis server)")
    {
        ServerMessage = serverMessage;
        var parts = serverMessage.Split(' ');
        if (parts.Length >= 3)
        {
            IsAsk = parts[0] == "ASK";
            Slot = int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var slot) ? slot : -1;
            TargetEndPoint = parts[2];
        }
    }

    /// <summary>Creates the exception.</summary>
    public RedisClusterRedirectException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>The server's own text (<c>MOVED 3999 127.0.0.1:6381</c>).</summary>
    public string? ServerMessage { get; }

    /// <summary>True for ASK, false for MOVED.</summary>
    public bool IsAsk { get; }

    /// <summary>The hash slot, or -1.</summary>
    public int Slot { get; } = -1;

    /// <summary>The node the server points to.</summary>
    public string? TargetEndPoint { get; }
}
