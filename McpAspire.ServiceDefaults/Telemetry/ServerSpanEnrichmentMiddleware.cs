using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Gives ASP.NET Core's server span the attributes the OpenTelemetry HTTP conventions expect (the instrumentation
/// package that would add them is not available here) and drops health probes from traces.
/// </summary>
public sealed class ServerSpanEnrichmentMiddleware
{
    private readonly RequestDelegate _next;

    /// <summary>Creates the middleware.</summary>
    public ServerSpanEnrichmentMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    /// <summary>Runs the request, then names and tags its server span.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var activity = Activity.Current;
        if (activity is null || activity.Source.Name != "Microsoft.AspNetCore" || activity.Kind != ActivityKind.Server)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments(ServiceDefaultsPaths.Health) || path.StartsWithSegments(ServiceDefaultsPaths.Alive))
        {
            // Unrecorded spans are skipped by the export processor; probes would otherwise drown real traffic.
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            await _next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", path.Value);
        activity.SetTag("server.address", request.Host.Host);
        if (request.Host.Port is { } port)
        {
            activity.SetTag("server.port", port);
        }
        activity.SetTag("network.protocol.version", request.Protocol.StartsWith("HTTP/", StringComparison.Ordinal) ? request.Protocol[5..] : request.Protocol);
        if (request.Headers.UserAgent is { Count: > 0 } ua)
        {
            activity.SetTag("user_agent.original", ua.ToString());
        }

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity.SetTag("error.type", ex.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
            {
                route = "/" + route.TrimStart('/');
                activity.SetTag("http.route", route);
            }
            activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";
            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}

/// <summary>The default endpoint paths, shared by the mapping and the trace filter.</summary>
internal static class ServiceDefaultsPaths
{
    public static readonly PathString Health = "/health";
    public static readonly PathString Alive = "/alive";
}
