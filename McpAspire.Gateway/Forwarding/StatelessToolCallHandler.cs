using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Security;
using McpAspire.Mcp.Forwarding;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// Takes a 2026-07-28 caller's <c>tools/call</c> off the SDK path when the tool's server is connected over HTTP and
/// takes 2026-07-28 requests itself (<see cref="DownstreamConnection.Forwarder"/>): the call is forwarded and its
/// answer relayed by <see cref="StatelessForwarder"/>. Everything else — unknown or unavailable tools, tools the
/// caller's rules deny, stdio and 2025-only servers — is left to the SDK path, so its errors stay exactly as they are.
/// Authentication and rate limits have run before (middleware and request filters).
/// </summary>
internal sealed class StatelessToolCallHandler(DownstreamManager downstreams, AccessPolicy access) : IMcpStatelessRequestHandler
{
    public async ValueTask<bool> TryHandleAsync(McpStatelessRequestContext context, CancellationToken cancellationToken)
    {
        if (context.Request.Method != RequestMethods.ToolsCall || context.Params?["name"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return false;
        }
        var name = context.Params["name"]!.GetValue<string>();
        if (!downstreams.Catalog.ToolRoutes.TryGetValue(name, out var route)
            || downstreams.Get(route.Server) is not { Forwarder: { } forwarder } connection)
        {
            return false;
        }
        if (!access.AllowsEverything && !access.For(context.HttpContext.User).Allows(AccessItemKind.Tool, route.Server, name, route.OriginalName))
        {
            return false;
        }
        await forwarder.ForwardToolCallAsync(context, route.OriginalName, connection.Catalog.FindTool(route.OriginalName), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
