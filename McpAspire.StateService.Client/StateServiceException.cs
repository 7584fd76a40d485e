using System.Net;

namespace McpAspire.StateService.Client;

/// <summary>The state service answered with an error (problem+json), or could not be reached.</summary>
public sealed class StateServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateServiceException(HttpStatusCode? statusCode, string? title, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Title = title;
    }

    /// <summary>Creates an empty exception.</summary>
    public StateServiceException() : base("State service error.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StateServiceException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public StateServiceException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>HTTP status, or null when the service could not be reached.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>True when the state service (or its Redis) is unavailable: retry later.</summary>
    public bool IsUnavailable => StatusCode is null or HttpStatusCode.ServiceUnavailable;
}
