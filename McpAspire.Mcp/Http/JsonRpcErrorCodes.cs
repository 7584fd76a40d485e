namespace McpAspire.Mcp.Http;

/// <summary>JSON-RPC and MCP error codes the HTTP layer answers with.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>Malformed JSON (or nesting deeper than the limit).</summary>
    public const int ParseError = -32700;

    /// <summary>Valid JSON that is not a valid JSON-RPC message.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The method does not exist (or is not available on the request's revision).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Invalid method parameters, e.g. missing 2026 <c>_meta</c> fields.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal error; the endpoint never answers it with HTTP 500.</summary>
    public const int InternalError = -32603;

    /// <summary>Transport-level rejection (Origin/Host, session, Accept, size): the generic server error of JSON-RPC.</summary>
    public const int ServerError = -32000;

    /// <summary>Unknown or expired session (what the TypeScript SDK answers, too).</summary>
    public const int SessionNotFound = -32001;

    /// <summary>2026-07-28: an <c>Mcp-Method</c>/<c>Mcp-Name</c> header or protocol version disagrees with the body.</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>2026-07-28: the request needs a client capability the client did not declare.</summary>
    public const int MissingRequiredClientCapability = -32021;

    /// <summary>The requested protocol version is not supported.</summary>
    public const int UnsupportedProtocolVersion = -32022;
}
