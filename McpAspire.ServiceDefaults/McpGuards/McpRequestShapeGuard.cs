using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace McpAspire.ServiceDefaults.McpGuards;

/// <summary>
/// Request shapes the SDK does not answer well: a POST to the MCP endpoint (or the legacy message endpoint) without a
/// JSON Content-Type (or one that does not parse) makes it throw (a 500): 415 here; a DELETE without
/// <c>Mcp-Session-Id</c> it answers 200: 400 here. Both as JSON-RPC errors.
/// </summary>
public sealed class McpRequestShapeGuard(RequestDelegate next, string mcpPath)
{
    private readonly string _messagePath = mcpPath.TrimEnd('/') + "/message";

    /// <summary>Rejects a non-JSON POST (415) and a DELETE without a session id (400) on the MCP paths.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && (request.Path.Equals(mcpPath, StringComparison.Ordinal) || request.Path.Equals(_messagePath, StringComparison.Ordinal))
            && !IsJson(request.ContentType))
        {
            return RejectAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type: the body must be JSON (Content-Type: application/json).");
        }
        if (HttpMethods.IsDelete(request.Method) && request.Path.Equals(mcpPath, StringComparison.Ordinal) && !request.Headers.ContainsKey("Mcp-Session-Id"))
        {
            return RejectAsync(context, StatusCodes.Status400BadRequest, "Bad Request: DELETE ends a session and needs its Mcp-Session-Id.");
        }
        return next(context);
    }

    private static async Task RejectAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("jsonrpc", "2.0");
        json.WriteNull("id");
        json.WriteStartObject("error");
        json.WriteNumber("code", -32000);
        json.WriteString("message", message);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // The common exact values without parsing (no allocation); anything else is parsed.
    private static bool IsJson(string? contentType) =>
        contentType is "application/json" or "application/json; charset=utf-8"
        || MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Value is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        && (!media.Charset.HasValue || media.Charset.Value is { Length: > 0 } charset && (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)));
}
