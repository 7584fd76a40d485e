using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.Dashboard.Security;

namespace McpAspire.Dashboard.Mcp;

/// <summary>
/// The dashboard's own MCP endpoint at <c>/mcp</c>: a minimal Streamable HTTP server for the 2025 revisions that answers
/// every POST with one JSON response (no sessions, no SSE stream): <c>initialize</c>, <c>ping</c>, <c>tools/list</c>,
/// <c>tools/call</c>. Kept in this folder alone so it can be swapped for McpAspire.Mcp once that lands.
/// </summary>
public static partial class McpEndpoint
{
    /// <summary>Header carrying the MCP API key (Aspire's name).</summary>
    public const string ApiKeyHeader = "x-mcp-api-key";

    /// <summary>Largest request accepted (tool arguments here are a few short strings).</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>Protocol revisions answered; the first is offered when the client asks for an unknown one.</summary>
    public static readonly IReadOnlyList<string> SupportedVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    /// <summary>Maps <c>POST /mcp</c> (and 405 for GET/DELETE, since there is no stream or session).</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/mcp", HandleAsync).AllowAnonymous().DisableAntiforgery();
        endpoints.MapMethods("/mcp", ["GET", "DELETE"], (HttpContext context) =>
        {
            context.Response.Headers.Allow = "POST";
            return Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed",
                detail: "This MCP endpoint is stateless: it offers no GET stream and no sessions; send JSON-RPC requests with POST.");
        }).AllowAnonymous();
    }

    private static async Task<IResult> HandleAsync(HttpContext context, BrowserToken token, DashboardMcpTools tools, ILoggerFactory loggers)
    {
        var request = context.Request;
        if (!token.Unsecured && !Authorized(request, token.McpKey))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"Send the dashboard's MCP key in '{ApiKeyHeader}' or as a Bearer token (Dashboard:Mcp:ApiKey, or the browser token).");
        }
        if (request.Headers.Origin is { Count: > 0 } origin && !SameHost(origin.ToString(), request))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden origin",
                detail: $"Origin '{origin}' is not allowed.");
        }
        if (request.Headers["MCP-Protocol-Version"] is { Count: > 0 } version && !SupportedVersions.Contains(version.ToString()))
        {
            return Error(null, -32600, $"Unsupported MCP-Protocol-Version '{version}'; supported: {string.Join(", ", SupportedVersions)}.", StatusCodes.Status400BadRequest);
        }
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: "Send JSON-RPC messages as application/json.");
        }

        if (request.ContentLength > MaxRequestBytes)
        {
            return Error(null, -32600, $"Request body over {MaxRequestBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxRequestBytes;
        }
        JsonNode? message;
        try
        {
            message = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Error(null, -32700, "Parse error: " + ex.Message, StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(null, -32600, $"Request body over {MaxRequestBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        if (message is JsonArray)
        {
            return Error(null, -32600, "JSON-RPC batches are not supported by this MCP revision.", StatusCodes.Status400BadRequest);
        }
        if (message is not JsonObject obj || obj["jsonrpc"]?.GetValueKind() != JsonValueKind.String || (string?)obj["jsonrpc"] != "2.0")
        {
            return Error(null, -32600, "Invalid request: expected a JSON-RPC 2.0 object.", StatusCodes.Status400BadRequest);
        }
        var id = obj["id"];
        if (id is not null && id.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return Error(null, -32600, "Invalid request: id must be a string or a number.", StatusCodes.Status400BadRequest);
        }
        if (obj["method"] is not JsonValue methodNode || methodNode.GetValueKind() != JsonValueKind.String)
        {
            // A response or error from the client (we never ask it anything) or junk without a method.
            return id is not null && (obj.ContainsKey("result") || obj.ContainsKey("error"))
                ? Results.Accepted()
                : Error(id, -32600, "Invalid request: method is missing.", StatusCodes.Status400BadRequest);
        }
        var method = methodNode.GetValue<string>();
        if (id is null)
        {
            // Notifications (initialized, cancelled…) need no answer.
            return Results.Accepted();
        }
        var parameters = obj["params"] as JsonObject;
        try
        {
            var result = method switch
            {
                "initialize" => Initialize(parameters),
                "ping" => new JsonObject(),
                "tools/list" => tools.ListTools(),
                "tools/call" => await tools.CallAsync(parameters, context.RequestAborted).ConfigureAwait(false),
                _ => throw new McpException(-32601, $"Method not found: '{method}'."),
            };
            return Respond(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result });
        }
        catch (McpException ex)
        {
            LogError(loggers.CreateLogger(typeof(McpEndpoint)), method, ex.Message);
            return Error(id, ex.Code, ex.Message, StatusCodes.Status200OK);
        }
    }

    private static JsonObject Initialize(JsonObject? parameters)
    {
        var requested = parameters?["protocolVersion"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var version = requested is not null && SupportedVersions.Contains(requested) ? requested : SupportedVersions[0];
        return new JsonObject
        {
            ["protocolVersion"] = version,
            ["capabilities"] = new JsonObject { ["tools"] = new JsonObject { ["listChanged"] = false } },
            ["serverInfo"] = new JsonObject
            {
                ["name"] = "mcpaspire-dashboard",
                ["title"] = "McpAspire dashboard",
                ["version"] = typeof(McpEndpoint).Assembly.GetName().Version?.ToString() ?? "1.0.0",
            },
            ["instructions"] = "Inspect the running McpAspire app: resources and their console logs (from the AppHost), " +
                "structured logs and traces (from OpenTelemetry). Use get_trace for every span attribute of one trace.",
        };
    }

    private static bool Authorized(HttpRequest request, string key)
    {
        if (ApiKeys.Matches(request.Headers[ApiKeyHeader].ToString(), key))
        {
            return true;
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && ApiKeys.Matches(authorization[7..].Trim(), key);
    }

    private static bool SameHost(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || uri.IsLoopback && request.Host.Host is "localhost" or "127.0.0.1" or "[::1]");

    // Relaxed escaping keeps quotes in tool text readable; the response is JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static IResult Respond(JsonObject body) =>
        Results.Text(body.ToJsonString(s_json), "application/json", System.Text.Encoding.UTF8);

    private static IResult Error(JsonNode? id, int code, string message, int status) => Results.Text(
        new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id?.DeepClone(),
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        }.ToJsonString(s_json), "application/json", System.Text.Encoding.UTF8, status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MCP {Method} failed: {Reason}")]
    private static partial void LogError(ILogger logger, string method, string reason);
}
