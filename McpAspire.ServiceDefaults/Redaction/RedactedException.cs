namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>Stands in for an exception whose message or stack trace held a secret: the same text, masked.</summary>
public sealed class RedactedException : Exception
{
    private readonly string _text;

    /// <summary>Creates the stand-in.</summary>
    public RedactedException(string originalType, string message, string text) : base($"{originalType}: {message}")
    {
        OriginalType = originalType;
        _text = text;
    }

    /// <summary>Creates an empty stand-in.</summary>
    public RedactedException() : this("", "", "")
    {
    }

    /// <summary>Creates a stand-in with a message.</summary>
    public RedactedException(string message) : this("", message, message)
    {
    }

    /// <summary>Creates a stand-in with a message and cause.</summary>
    public RedactedException(string message, Exception innerException) : base(message, innerException)
    {
        OriginalType = "";
        _text = message;
    }

    /// <summary>Full name of the exception type that was replaced.</summary>
    public string OriginalType { get; } = "";

    /// <summary>The original <c>ToString()</c>, masked.</summary>
    public override string ToString() => _text;

    /// <inheritdoc />
    public override string? StackTrace => null;
}
