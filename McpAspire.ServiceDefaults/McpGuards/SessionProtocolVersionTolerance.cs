using Microsoft.AspNetCore.Http;

namespace McpAspire.ServiceDefaults.McpGuards;

/// <summary>
/// In a 2025-era session the version negotiated by <c>initialize</c> rules: a request of the session that names another
/// 2025-era version in <c>MCP-Protocol-Version</c> (the conformance suite's SSE-polling scenario sends 2025-03-26 on a
/// 2025-11-25 session) is served as the session's version instead of being refused by the SDK with -32600. The header
/// is dropped, so the SDK uses the negotiated version. 2026-07-28 and unknown versions pass unchanged (the SDK answers
/// them as the protocol says).
/// </summary>
public sealed class SessionProtocolVersionTolerance(RequestDelegate next, string mcpPath)
{
    private static readonly HashSet<string> s_sessionEraVersions = new(StringComparer.Ordinal) { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25" };

    /// <summary>Drops a 2025-era version header from session requests on the MCP path.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        if (context.Request.Path.Equals(mcpPath, StringComparison.Ordinal)
            && headers.ContainsKey("Mcp-Session-Id")
            && headers.TryGetValue("MCP-Protocol-Version", out var version)
            && s_sessionEraVersions.Contains(version.ToString()))
        {
            headers.Remove("MCP-Protocol-Version");
        }
        return next(context);
    }
}
