using System.Text.Json;
using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Front;
using McpAspire.Gateway.Security;
using ModelContextProtocol.Protocol;
using Route = McpAspire.Gateway.Catalog.Route;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// Takes a 2026-07-28 caller's <c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c> off the SDK path when the
/// item's server is connected over HTTP and takes 2026-07-28 requests itself (<see cref="DownstreamConnection.Forwarder"/>):
/// the request is forwarded and its answer relayed by <see cref="StatelessForwarder"/>. It runs as middleware in front of
/// <c>MapMcp</c>, routed by the <c>Mcp-Method</c>/<c>Mcp-Name</c> headers, and takes only requests the SDK would accept
/// as they are (header and body agree, the per-request <c>_meta</c> is there, the client accepts JSON and SSE).
/// Everything else — unknown or unavailable items, items the caller's rules deny, stdio and 2025-only servers, other
/// methods, anything malformed — goes on to the SDK, so its errors stay exactly as they are. Authentication and rate
/// limits have run before.
/// </summary>
internal sealed class StatelessForwardingMiddleware(RequestDelegate next, DownstreamManager downstreams, AccessPolicy access)
{
    private const string Revision = "2026-07-28";

    public async Task InvokeAsync(HttpContext context)
    {
        if (Read(context) is { } candidate && Route(context, candidate) is { } route)
        {
            await route.Forwarder.ForwardAsync(new McpStatelessRequestContext(context, candidate.Id, candidate.Method, candidate.Params, Revision), route.Forwarded, context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private sealed record Candidate(RequestId Id, string Method, JsonElement Params, string McpName);

    private static Candidate? Read(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals(GatewayMcpFront.McpPath, StringComparison.Ordinal)
            || headers["MCP-Protocol-Version"].ToString() != Revision || headers.ContainsKey("Mcp-Session-Id")
            || headers["Mcp-Method"].ToString() is not (RequestMethods.ToolsCall or RequestMethods.PromptsGet or RequestMethods.ResourcesRead) || !AcceptsJsonAndSse(headers.Accept.ToString())
            || McpRequestPeek.Of(context) is not { All.Count: 1 } peek || peek.Method != headers["Mcp-Method"].ToString())
        {
            return null;
        }
        RequestId id;
        switch (peek.Id.ValueKind)
        {
            case JsonValueKind.String:
                id = new RequestId(peek.Id.GetString()!);
                break;
            case JsonValueKind.Number when peek.Id.TryGetInt64(out var number):
                id = new RequestId(number);
                break;
            default:
                return null;
        }
        if (peek.Params.ValueKind != JsonValueKind.Object
            || !peek.Params.TryGetProperty("_meta"u8, out var meta) || meta.ValueKind != JsonValueKind.Object
            || !meta.TryGetProperty(MetaKeys.ProtocolVersion, out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals(Revision)
            || !meta.TryGetProperty(MetaKeys.ClientCapabilities, out var capabilities) || capabilities.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var name = peek.StringParam(peek.Method == RequestMethods.ResourcesRead ? "uri" : "name");
        // The header must carry the same name (plain ASCII here; an encoded one is the SDK's to check and serve).
        if (name is null || headers["Mcp-Name"].ToString() != name)
        {
            return null;
        }
        return new Candidate(id, peek.Method!, peek.Params, name);
    }

    private sealed record Routed(StatelessForwarder Forwarder, ForwardedRequest Forwarded);

    private Routed? Route(HttpContext context, Candidate candidate)
    {
        var catalog = downstreams.Catalog.MarkServed();
        var name = candidate.McpName;
        string server;
        ForwardedRequest forwarded;
        switch (candidate.Method)
        {
            case RequestMethods.ToolsCall when catalog.ToolRoutes.TryGetValue(name, out var route) && Allows(context, AccessItemKind.Tool, route, name):
                server = route.Server;
                forwarded = ForwardedRequest.ToolCall(route.OriginalName, downstreams.Get(server)?.Catalog.FindTool(route.OriginalName));
                break;
            case RequestMethods.PromptsGet when catalog.PromptRoutes.TryGetValue(name, out var route) && Allows(context, AccessItemKind.Prompt, route, name):
                server = route.Server;
                forwarded = ForwardedRequest.PromptGet(route.OriginalName);
                break;
            case RequestMethods.ResourcesRead when catalog.FindResourceServer(name) is { } owner
                && (access.AllowsEverything || access.For(context.User).Allows(AccessItemKind.Resource, owner, name)):
                server = owner;
                forwarded = ForwardedRequest.ResourceRead(name);
                break;
            default:
                return null;
        }
        return downstreams.Get(server)?.Forwarder is { } forwarder ? new Routed(forwarder, forwarded) : null;
    }

    private bool Allows(HttpContext context, AccessItemKind kind, Route route, string name) =>
        access.AllowsEverything || access.For(context.User).Allows(kind, route.Server, name, route.OriginalName);

    private static bool AcceptsJsonAndSse(string accept) =>
        accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
