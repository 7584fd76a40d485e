namespace McpAspire.Mcp.Forwarding;

/// <summary>
/// May answer a 2026-07-28 (stateless) request itself instead of the SDK server, writing the whole HTTP response.
/// Register any number as singletons (<c>services.AddSingleton&lt;IMcpStatelessRequestHandler, T&gt;()</c>); they are
/// asked in registration order and the first that takes the request answers it. The gateway uses this to forward
/// <c>tools/call</c> to a downstream server as bytes, without building SDK request and result objects.
/// </summary>
/// <remarks>
/// Handlers are asked after every check the endpoint makes (transport, request filters, the 2026 header and
/// <c>_meta</c> rules), so the request is valid MCP when they see it. Return false before writing anything to let the
/// SDK server answer (the request is untouched); once a handler returns true the response is its own.
/// </remarks>
public interface IMcpStatelessRequestHandler
{
    /// <summary>True when this handler answered the request.</summary>
    ValueTask<bool> TryHandleAsync(McpStatelessRequestContext context, CancellationToken cancellationToken);
}
