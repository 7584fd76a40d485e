namespace McpAspire.Redis;

/// <summary>The server answered with an error; <see cref="Exception.Message"/> is the server's text.</summary>
public class RedisServerException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisServerException()
    {
    }

    /// <summary>Creates the exception with the server's text.</summary>
    public RedisServerException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisServerException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>The error code: the first word of the server's text (ERR, WRONGTYPE, NOSCRIPT, MOVED...).</summary>
    public string ErrorCode
    {
        get
        {
            var space = Message.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Message : Message[..space];
        }
    }

    /// <summary>The right exception for the server's error text (MOVED/ASK get <see cref="RedisClusterRedirectException"/>).</summary>
    public static RedisServerException FromMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.StartsWith("MOVED ", StringComparison.Ordinal) || message.StartsWith("ASK ", StringComparison.Ordinal))
        {
            return new RedisClusterRedirectException(message);
        }
        return new RedisServerException(message);
    }
}
