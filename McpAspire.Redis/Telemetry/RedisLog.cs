using Microsoft.Extensions.Logging;

namespace McpAspire.Redis.Telemetry;

/// <summary>Connection events as structured logs (source-generated; none is on the per-command path).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {EndPoint} ({ConnectionType}, {Protocol})")]
    public static partial void Connected(ILogger logger, string endPoint, ConnectionType connectionType, string protocol);

    [LoggerMessage(2, LogLevel.Warning, "Redis connection failed ({ConnectionType}, {FailureType}) to {EndPoint}: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, ConnectionType connectionType, ConnectionFailureType failureType, string endPoint, string reason, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Redis connection restored ({ConnectionType}) to {EndPoint}")]
    public static partial void ConnectionRestored(ILogger logger, ConnectionType connectionType, string endPoint);

    [LoggerMessage(4, LogLevel.Debug, "Redis connect attempt {Attempt} ({ConnectionType}) failed: {Reason}")]
    public static partial void ConnectAttemptFailed(ILogger logger, int attempt, ConnectionType connectionType, string reason);

    [LoggerMessage(5, LogLevel.Warning, "A pub/sub handler for {Channel} threw; delivery goes on")]
    public static partial void HandlerFailed(ILogger logger, string? channel, Exception exception);
}
