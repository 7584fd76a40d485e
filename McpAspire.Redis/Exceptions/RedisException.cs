namespace McpAspire.Redis;

/// <summary>Base of every exception this client throws.</summary>
public class RedisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
