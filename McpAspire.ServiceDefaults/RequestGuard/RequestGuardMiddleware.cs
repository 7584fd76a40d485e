using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace McpAspire.ServiceDefaults.RequestGuard;

/// <summary>
/// Rejects a request addressed to a Host that is not loopback or allowed (400) and a browser request from a foreign
/// Origin (403), both as problem+json, before any endpoint runs. Requests without an Origin header (every non-browser
/// client) pass the Origin check. The MCP endpoint's own lists (<c>Mcp:Endpoint:AllowedHosts</c> /
/// <c>AllowedOrigins</c>) count as allowed here too, so one setting opens both.
/// </summary>
public sealed class RequestGuardMiddleware
{
    private readonly RequestDelegate _next;
    private readonly HashSet<string> _hosts;
    private readonly HashSet<string> _origins;
    private readonly bool _anyHost;
    private readonly bool _anyOrigin;

    /// <summary>Creates the middleware from the <c>Security</c> options and the MCP endpoint's lists.</summary>
    public RequestGuardMiddleware(RequestDelegate next, IOptions<RequestGuardOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        _next = next;
        var mcp = configuration.GetSection("Mcp:Endpoint");
        _hosts = new HashSet<string>(options.Value.AllowedHosts.Concat(RequestGuardOptions.ListValues(mcp.GetSection("AllowedHosts"))), StringComparer.OrdinalIgnoreCase);
        _origins = new HashSet<string>(options.Value.AllowedOrigins.Concat(RequestGuardOptions.ListValues(mcp.GetSection("AllowedOrigins"))).Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _anyHost = _hosts.Contains("*");
        _anyOrigin = _origins.Contains("*");
    }

    /// <summary>Checks the request, then calls the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var host = request.Host.Host;
        if (!_anyHost && (string.IsNullOrEmpty(host) || !(IsLoopback(host) || _hosts.Contains(host))))
        {
            return RejectAsync(context, StatusCodes.Status400BadRequest, "Host not allowed",
                $"This service does not answer for Host '{Printable(request.Host.Value ?? string.Empty)}'. Add it to Security:AllowedHosts.");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !_anyOrigin && !OriginAllowed(origin, request))
        {
            return RejectAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed",
                $"Browser requests from '{Printable(origin)}' are not allowed. Add the origin to Security:AllowedOrigins.");
        }
        return _next(context);
    }

    private bool OriginAllowed(string origin, HttpRequest request)
    {
        if (_origins.Contains(origin.TrimEnd('/')))
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false; // "null" (sandboxed frames, file pages) and anything unparsable
        }
        // Same origin: the page was served by this service at the Host it now calls.
        return IsLoopback(uri.Host)
            || (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase) && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase));
    }

    private static Task RejectAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || host is "127.0.0.1" or "[::1]" or "::1";

    // Echo at most 100 printable ASCII characters of a hostile value.
    private static string Printable(string value) =>
        new(value.Take(100).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
