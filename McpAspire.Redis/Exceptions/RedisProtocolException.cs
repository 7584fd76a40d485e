namespace McpAspire.Redis;

/// <summary>The server sent bytes that are not valid RESP; the connection is closed and reopened.</summary>
public sealed class RedisProtocolException : RedisConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RedisProtocolException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisProtocolException(string message) : base(ConnectionFailureType.ProtocolFailure, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisProtocolException(string message, Exception? innerException) : base(ConnectionFailureType.ProtocolFailure, message, innerException)
    {
    }
}
