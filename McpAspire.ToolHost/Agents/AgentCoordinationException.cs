using ModelContextProtocol;

namespace McpAspire.ToolHost.Agents;

/// <summary>A coordination failure the caller can act on (unknown agent, full mailbox…): the SDK turns it into a tool result with <c>isError</c> and this text.</summary>
public sealed class AgentCoordinationException : McpException
{
    /// <summary>Creates the exception with the text the caller sees.</summary>
    public AgentCoordinationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the text the caller sees and its error category (<see cref="ErrorCategories"/>).</summary>
    public AgentCoordinationException(string message, string category)
        : base(message) => Category = category;

    /// <summary>The error category (<see cref="ErrorCategories"/>); validation unless the thrower says otherwise.</summary>
    public string Category { get; } = ErrorCategories.Validation;

    /// <summary>Creates the exception with the text the caller sees and its cause.</summary>
    public AgentCoordinationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public AgentCoordinationException()
    {
    }

    internal static AgentCoordinationException UnknownAgent(string id) =>
        new($"Unknown agent '{id}': it was never registered, unregistered itself, or timed out and was purged. Register it with agents_register.", ErrorCategories.UnknownAgent);
}
