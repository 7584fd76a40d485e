namespace McpAspire.Hosting.Logging;

/// <summary>One line a resource's process wrote.</summary>
public sealed record LogLine(string Resource, string Replica, bool IsError, string Text, DateTimeOffset Timestamp)
{
    /// <summary><c>stdout</c> or <c>stderr</c>.</summary>
    public string Stream => IsError ? "stderr" : "stdout";
}
