using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// One request to forward: its method, the name it goes by on the downstream (written over <c>params.name</c>; null
/// leaves params as they are, as for <c>resources/read</c>, whose URI is the server's own), the <c>Mcp-Name</c> header
/// value, the tool whose schema may ask for <c>Mcp-Param-*</c> headers, and whether it may be sent again when the server
/// could not be reached (reads and prompts; never a tool call, which may have side effects).
/// </summary>
internal readonly record struct ForwardedRequest(string Method, string? DownstreamName, string McpName, Tool? Tool, bool Retryable)
{
    public static ForwardedRequest ToolCall(string originalName, Tool? tool) => new(RequestMethods.ToolsCall, originalName, originalName, tool, false);

    public static ForwardedRequest PromptGet(string originalName) => new(RequestMethods.PromptsGet, originalName, originalName, null, true);

    public static ForwardedRequest ResourceRead(string uri) => new(RequestMethods.ResourcesRead, null, uri, null, true);
}
