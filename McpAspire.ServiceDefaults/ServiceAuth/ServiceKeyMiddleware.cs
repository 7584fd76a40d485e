using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>
/// Lets a request through only when it carries a valid service key (or its path is open, or no key is configured).
/// The header is removed once checked, so nothing downstream in the pipeline can log or forward it.
/// </summary>
internal sealed partial class ServiceKeyMiddleware
{
    private const string RejectionMessage = "Unauthorized: this service accepts only McpAspire services presenting the service key (header "
        + ServiceAuthDefaults.HeaderName + ").";
    private readonly RequestDelegate _next;
    private readonly ServiceKeyVerifier _verifier;
    private readonly ServiceKeyEndpointOptions _options;
    private readonly ILogger _logger;

    public ServiceKeyMiddleware(RequestDelegate next, ServiceKeyVerifier verifier, ServiceKeyEndpointOptions options, ILogger<ServiceKeyMiddleware> logger)
    {
        _next = next;
        _verifier = verifier;
        _options = options;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_verifier.IsEnabled || Matches(_options.OpenPaths, context.Request.Path))
        {
            return _next(context);
        }
        var headers = context.Request.Headers;
        if (_verifier.IsValid(headers[ServiceAuthDefaults.HeaderName]))
        {
            headers.Remove(ServiceAuthDefaults.HeaderName);
            return _next(context);
        }
        return RejectAsync(context);
    }

    private async Task RejectAsync(HttpContext context)
    {
        var present = context.Request.Headers.ContainsKey(ServiceAuthDefaults.HeaderName);
        LogRejected(_logger, context.Request.Method, context.Request.Path.Value ?? "/", present ? "a wrong" : "no",
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = ServiceAuthDefaults.Challenge;
        context.Response.Headers.CacheControl = "no-store";
        if (Matches(_options.JsonRpcPaths, context.Request.Path))
        {
            context.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNull("id");
            writer.WriteStartObject("error");
            // -32000: implementation-defined server error, as the MCP HTTP transport uses for HTTP-level refusals.
            writer.WriteNumber("code", -32000);
            writer.WriteString("message", RejectionMessage);
            writer.WriteEndObject();
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await Results.Problem(RejectionMessage, statusCode: StatusCodes.Status401Unauthorized, title: "Service key required")
            .ExecuteAsync(context).ConfigureAwait(false);
    }

    private static bool Matches(IList<PathString> paths, PathString path)
    {
        foreach (var p in paths)
        {
            if (path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Rejected {Method} {Path}: {Which} service key (remote {RemoteAddress}).")]
    private static partial void LogRejected(ILogger logger, string method, string path, string which, string remoteAddress);
}
