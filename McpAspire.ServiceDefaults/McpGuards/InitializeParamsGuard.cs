using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpAspire.ServiceDefaults.McpGuards;

/// <summary>
/// <c>initialize</c> must carry usable params (an object with a string <c>protocolVersion</c>, an object
/// <c>capabilities</c> and a <c>clientInfo</c> with a string <c>name</c>): the SDK opens a session for an initialize
/// without params and answers 500 to one with <c>{}</c>. This answers 400 with -32602 before any session exists. Only
/// POSTs that can be an initialize are read (no <c>Mcp-Session-Id</c>, no 2026-07-28 <c>Mcp-Method</c>); the body is
/// buffered and handed on unchanged.
/// </summary>
public sealed class InitializeParamsGuard(RequestDelegate next, string mcpPath)
{
    private const int MaxInspectedBytes = 1024 * 1024;

    /// <summary>Checks a session-less POST that is an initialize.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        // The hot path (session requests, 2026-07-28 calls, everything else) hands on without an async frame.
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals(mcpPath, StringComparison.Ordinal)
            || request.Headers.ContainsKey("Mcp-Session-Id") || request.Headers.ContainsKey("Mcp-Method")
            || request.ContentLength is > MaxInspectedBytes)
        {
            return next(context);
        }
        return CheckAsync(context, request);
    }

    private async Task CheckAsync(HttpContext context, HttpRequest request)
    {
        request.EnableBuffering(MaxInspectedBytes);
        var (problem, id) = await InspectAsync(request.Body, context.RequestAborted).ConfigureAwait(false);
        request.Body.Position = 0;
        if (problem is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            var error = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = id,
                ["error"] = new JsonObject { ["code"] = -32602, ["message"] = $"Invalid params: initialize {problem}." },
            };
            await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    // What is wrong with an initialize (null when the body is not an initialize, or one the SDK can take).
    private static async Task<(string? Problem, JsonNode? Id)> InspectAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            if (await JsonNode.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false) is JsonObject message
                && message["method"] is JsonValue method && method.TryGetValue(out string? name) && name == "initialize")
            {
                return (Problem(message["params"]), message["id"]?.DeepClone());
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON-RPC the guard can read (malformed, duplicate keys): the SDK answers it.
        }
        return (null, null);
    }

    private static string? Problem(JsonNode? parameters) => parameters switch
    {
        null => "requires params",
        not JsonObject => "params must be an object",
        JsonObject p when p["protocolVersion"] is not JsonValue v || !v.TryGetValue(out string? version) || version.Length == 0
            => "requires a non-empty string 'protocolVersion'",
        JsonObject p when p["capabilities"] is not JsonObject => "requires an object 'capabilities'",
        JsonObject p when p["clientInfo"] is not JsonObject info || info["name"] is not JsonValue n || !n.TryGetValue(out string? _)
            => "requires an object 'clientInfo' with a string 'name'",
        _ => null,
    };
}
