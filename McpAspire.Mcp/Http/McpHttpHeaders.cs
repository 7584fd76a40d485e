namespace McpAspire.Mcp.Http;

/// <summary>HTTP header names of the MCP Streamable HTTP transport (all revisions).</summary>
public static class McpHttpHeaders
{
    /// <summary>Session id header of the 2025 revisions.</summary>
    public const string SessionId = "Mcp-Session-Id";

    /// <summary>Negotiated protocol version, sent by clients on every request after initialization.</summary>
    public const string ProtocolVersion = "MCP-Protocol-Version";

    /// <summary>SSE resumption header.</summary>
    public const string LastEventId = "Last-Event-ID";

    /// <summary>2026-07-28: the JSON-RPC method, mirrored into a header for routing.</summary>
    public const string Method = "Mcp-Method";

    /// <summary>2026-07-28: the tool/prompt name or resource URI, mirrored into a header for routing.</summary>
    public const string Name = "Mcp-Name";
}
