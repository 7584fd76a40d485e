using System.Net;

namespace McpAspire.Redis;

/// <summary>Arguments of <see cref="IConnectionMultiplexer.ConnectionFailed"/> and <see cref="IConnectionMultiplexer.ConnectionRestored"/>.</summary>
public sealed class ConnectionFailedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public ConnectionFailedEventArgs(EndPoint? endPoint, ConnectionType connectionType, ConnectionFailureType failureType, Exception? exception)
    {
        EndPoint = endPoint;
        ConnectionType = connectionType;
        FailureType = failureType;
        Exception = exception;
    }

    /// <summary>The server endpoint.</summary>
    public EndPoint? EndPoint { get; }

    /// <summary>Which connection.</summary>
    public ConnectionType ConnectionType { get; }

    /// <summary>Why it failed (<see cref="ConnectionFailureType.None"/> when restored).</summary>
    public ConnectionFailureType FailureType { get; }

    /// <summary>The failure, when there is one.</summary>
    public Exception? Exception { get; }
}
