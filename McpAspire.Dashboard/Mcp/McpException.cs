namespace McpAspire.Dashboard.Mcp;

/// <summary>A JSON-RPC error to return to the MCP client (code and message).</summary>
public sealed class McpException : Exception
{
    public McpException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public McpException()
    {
    }

    public McpException(string message)
        : base(message)
    {
    }

    public McpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>JSON-RPC error code (-32601 method not found, -32602 invalid params…).</summary>
    public int Code { get; } = -32603;
}
