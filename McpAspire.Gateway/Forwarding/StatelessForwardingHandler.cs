using Route = McpAspire.Gateway.Catalog.Route;
using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Security;
using McpAspire.Mcp.Forwarding;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// Takes a 2026-07-28 caller's <c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c> off the SDK path when the
/// item's server is connected over HTTP and takes 2026-07-28 requests itself (<see cref="DownstreamConnection.Forwarder"/>):
/// the request is forwarded and its answer relayed by <see cref="StatelessForwarder"/>. Everything else — unknown or
/// unavailable items, items the caller's rules deny, stdio and 2025-only servers, other methods — is left to the SDK
/// path, so its errors stay exactly as they are. Authentication and rate limits have run before (middleware and
/// request filters).
/// </summary>
internal sealed class StatelessForwardingHandler(DownstreamManager downstreams, AccessPolicy access) : IMcpStatelessRequestHandler
{
    public async ValueTask<bool> TryHandleAsync(McpStatelessRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var catalog = downstreams.Catalog.MarkServed();
        string server;
        ForwardedRequest forwarded;
        switch (context.Request.Method)
        {
            case RequestMethods.ToolsCall when StringParam(context, "name") is { } name && catalog.ToolRoutes.TryGetValue(name, out var route)
                && Allows(context, AccessItemKind.Tool, route, name):
                server = route.Server;
                forwarded = ForwardedRequest.ToolCall(route.OriginalName, downstreams.Get(server)?.Catalog.FindTool(route.OriginalName));
                break;
            case RequestMethods.PromptsGet when StringParam(context, "name") is { } name && catalog.PromptRoutes.TryGetValue(name, out var route)
                && Allows(context, AccessItemKind.Prompt, route, name):
                server = route.Server;
                forwarded = ForwardedRequest.PromptGet(route.OriginalName);
                break;
            case RequestMethods.ResourcesRead when StringParam(context, "uri") is { } uri && catalog.FindResourceServer(uri) is { } owner
                && (access.AllowsEverything || access.For(context.HttpContext.User).Allows(AccessItemKind.Resource, owner, uri)):
                server = owner;
                forwarded = ForwardedRequest.ResourceRead(uri);
                break;
            default:
                return false;
        }
        if (downstreams.Get(server)?.Forwarder is not { } forwarder)
        {
            return false;
        }
        await forwarder.ForwardAsync(context, forwarded, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private bool Allows(McpStatelessRequestContext context, AccessItemKind kind, Route route, string name) =>
        access.AllowsEverything || access.For(context.HttpContext.User).Allows(kind, route.Server, name, route.OriginalName);

    private static string? StringParam(McpStatelessRequestContext context, string key) =>
        context.Params?[key] is { } value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;
}
