using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Filters;

/// <summary>What a <see cref="IMcpRequestFilter"/> sees of one client message.</summary>
/// <param name="HttpContext">The HTTP exchange (user, connection, headers).</param>
/// <param name="Method">The JSON-RPC method, e.g. <c>tools/call</c>.</param>
/// <param name="Params">The parsed <c>params</c> (for <c>tools/call</c>, <c>name</c> is the tool), or null.</param>
/// <param name="Id">The request id; default for notifications.</param>
/// <param name="IsNotification">True for notifications (no response is expected).</param>
public readonly record struct McpRequestFilterContext(HttpContext HttpContext, string Method, JsonNode? Params, RequestId Id, bool IsNotification);
