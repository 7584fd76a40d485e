namespace McpAspire.Redis;

/// <summary>Why a connection failed.</summary>
public enum ConnectionFailureType
{
    /// <summary>No failure.</summary>
    None,

    /// <summary>The endpoint could not be reached (connect failed or timed out).</summary>
    UnableToConnect,

    /// <summary>The socket failed after it was connected.</summary>
    SocketFailure,

    /// <summary>The server closed the connection.</summary>
    SocketClosed,

    /// <summary>The server sent bytes that are not valid RESP.</summary>
    ProtocolFailure,

    /// <summary>AUTH/HELLO was refused.</summary>
    AuthenticationFailure,

    /// <summary>The multiplexer was disposed.</summary>
    ConnectionDisposed,

    /// <summary>A bug or unexpected condition in the client.</summary>
    InternalFailure,
}
