namespace McpAspire.Gateway.Front;

/// <summary>
/// The legacy HTTP+SSE transport (2024-11-05) is served by the SDK under the MCP path (<c>/mcp/sse</c>,
/// <c>/mcp/message</c>); clients configured with the gateway's earlier root paths (<c>/sse</c>, <c>/message</c>) keep
/// working: those requests are rewritten to the SDK's paths before routing. A stream opened at <c>/sse</c> announces
/// <c>/mcp/message?sessionId=…</c> as its message endpoint, which legacy clients follow as the protocol says.
/// </summary>
internal sealed class LegacySsePaths(RequestDelegate next)
{
    /// <summary>The gateway's earlier legacy stream path.</summary>
    public static readonly PathString RootSsePath = "/sse";

    /// <summary>The gateway's earlier legacy message path.</summary>
    public static readonly PathString RootMessagePath = "/message";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(RootSsePath, StringComparison.OrdinalIgnoreCase))
        {
            context.Request.Path = GatewayMcpFront.LegacySsePath;
        }
        else if (path.Equals(RootMessagePath, StringComparison.OrdinalIgnoreCase))
        {
            context.Request.Path = GatewayMcpFront.LegacyMessagePath;
        }
        return next(context);
    }
}
