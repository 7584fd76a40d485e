using System.Diagnostics;
using System.Text.Json.Nodes;

namespace McpAspire.Mcp.Telemetry;

/// <summary>
/// W3C trace context carried in MCP <c>params._meta</c> (<c>traceparent</c>, <c>tracestate</c>), as the MCP semantic
/// conventions propose, so a trace survives hops where HTTP headers do not (stdio, queued messages, the gateway).
/// </summary>
public static class McpTraceContext
{
    /// <summary>The <c>_meta</c> key of the parent span.</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>The <c>_meta</c> key of vendor trace state.</summary>
    public const string TraceStateKey = "tracestate";

    /// <summary>Reads a parent context from <c>params._meta</c>; false when absent or malformed.</summary>
    public static bool TryExtract(JsonNode? parameters, out ActivityContext context)
    {
        context = default;
        if (parameters is not JsonObject obj || obj["_meta"] is not JsonObject meta
            || meta[TraceParentKey] is not JsonValue parentValue || !parentValue.TryGetValue(out string? traceParent))
        {
            return false;
        }
        string? traceState = meta[TraceStateKey] is JsonValue stateValue && stateValue.TryGetValue(out string? s) ? s : null;
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context);
    }

    /// <summary>Writes <paramref name="activity"/>'s context into <c>params._meta</c> (creating both objects as needed).</summary>
    public static void Inject(JsonObject parameters, Activity? activity)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }
        if (parameters["_meta"] is not JsonObject meta)
        {
            meta = new JsonObject();
            parameters["_meta"] = meta;
        }
        meta[TraceParentKey] = activity.Id;
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            meta[TraceStateKey] = activity.TraceStateString;
        }
    }
}
