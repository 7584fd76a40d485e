namespace McpAspire.Hosting;

/// <summary>The application model or a resource is in a state that prevents the operation; the message says which and why.</summary>
public sealed class DistributedApplicationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DistributedApplicationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public DistributedApplicationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public DistributedApplicationException()
    {
    }
}
