using McpAspire.Mcp.Hosting;
using Microsoft.AspNetCore.Http;

namespace McpAspire.Mcp.Http;

/// <summary>
/// DNS-rebinding protection: the Host a request addresses and the Origin a browser sends must be loopback or on the
/// configured allow-lists (MCP transport security guidance). Requests without Origin (non-browser clients) pass.
/// </summary>
internal sealed class McpRequestGuard(McpEndpointOptions options)
{
    private readonly HashSet<string> _hosts = new(options.AllowedHosts, StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _origins = new(options.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public string? Check(HttpRequest request)
    {
        if (!_hosts.Contains("*"))
        {
            var host = request.Host.Host;
            if (string.IsNullOrEmpty(host) || !(IsLoopback(host) || _hosts.Contains(host)))
            {
                return $"Forbidden: Host '{request.Host.Value}' is not allowed.";
            }
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !_origins.Contains("*") && !_origins.Contains(origin.TrimEnd('/')))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !IsLoopback(uri.Host))
            {
                return $"Forbidden: Origin '{origin}' is not allowed.";
            }
        }
        return null;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host is "127.0.0.1" or "[::1]" or "::1"
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}
