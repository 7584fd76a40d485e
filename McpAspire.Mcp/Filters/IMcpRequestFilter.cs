namespace McpAspire.Mcp.Filters;

/// <summary>
/// Sees every parsed JSON-RPC request and notification a client POSTs (Streamable HTTP, both eras, and legacy
/// <c>/message</c>) before it is dispatched to a session or the SDK, and may reject it with an HTTP status and a
/// JSON-RPC error. Register any number as singletons (<c>services.AddSingleton&lt;IMcpRequestFilter, T&gt;()</c>); they
/// run in registration order and the first rejection wins. Used by the gateway for rate limits.
/// </summary>
/// <remarks>
/// Filters run after the transport checks (Origin/Host, Accept, Content-Type, size, JSON shape, supported protocol
/// version) and before the era-specific ones (session lookup, 2026 header checks), so a rejected request never
/// touches a session store. Client responses (to sampling, elicitation, roots) are not shown to filters.
/// Keep them cheap: they run on every request.
/// </remarks>
public interface IMcpRequestFilter
{
    /// <summary>Returns null to let the message through, or the rejection to answer with.</summary>
    ValueTask<McpRequestRejection?> OnRequestAsync(McpRequestFilterContext context, CancellationToken cancellationToken);
}
