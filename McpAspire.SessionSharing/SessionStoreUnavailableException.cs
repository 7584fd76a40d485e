namespace McpAspire.SessionSharing;

/// <summary>The state service (or Redis) could not answer; the request gets 503 with <c>Retry-After</c>.</summary>
public sealed class SessionStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionStoreUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SessionStoreUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>What the client is told to wait before retrying.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
}
