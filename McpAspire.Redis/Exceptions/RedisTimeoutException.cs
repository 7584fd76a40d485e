namespace McpAspire.Redis;

/// <summary>A command got no reply within its timeout (<c>asyncTimeout</c>/<c>syncTimeout</c>). It may still execute.</summary>
public sealed class RedisTimeoutException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
