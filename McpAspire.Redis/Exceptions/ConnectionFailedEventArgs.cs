using System.Net;

namespace McpAspire.Redis;

/// <summary>Which of the multiplexer's connections an event is about.</summary>
public enum ConnectionType
{
    /// <summary>Not known.</summary>
    None,

    /// <summary>The multiplexed command connection.</summary>
    Interactive,

    /// <summary>The pub/sub connection.</summary>
    Subscription,
}

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
