namespace McpAspire.Mcp.Sessions;

/// <summary>
/// Thrown by an <see cref="IMcpSessionStore"/> or <see cref="Events.IMcpEventStore"/> whose backing service cannot be
/// reached (down, overloaded, timed out). The endpoint answers the 2025-era session request with HTTP 503 and a JSON-RPC
/// error instead of a 500; 2026 stateless requests never touch the stores and are unaffected.
/// </summary>
public sealed class McpSessionStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpSessionStoreUnavailableException()
        : base("The MCP session store is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public McpSessionStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    public McpSessionStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Suggested wait before retrying, when the store knows one.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
