namespace McpAspire.Redis;

/// <summary>
/// No usable connection: the server could not be reached, the socket died with the command in flight, the server sent
/// malformed data, or authentication failed. Commands that fail this way may or may not have been executed.
/// </summary>
public class RedisConnectionException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisConnectionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisConnectionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisConnectionException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its failure type.</summary>
    public RedisConnectionException(ConnectionFailureType failureType, string message, Exception? innerException = null) : base(message, innerException)
    {
        FailureType = failureType;
    }

    /// <summary>Why the connection failed.</summary>
    public ConnectionFailureType FailureType { get; }
}
