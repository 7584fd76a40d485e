using System.Globalization;
using System.Text.Json.Nodes;
using McpAspire.Mcp.Http;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace McpAspire.Mcp.Filters;

/// <summary>Runs the registered <see cref="IMcpRequestFilter"/>s for the endpoints and writes a rejection.</summary>
internal sealed class McpRequestFilterPipeline(IEnumerable<IMcpRequestFilter> filters)
{
    private readonly IMcpRequestFilter[] _filters = [.. filters];

    /// <summary>
    /// Null when every filter let the message through; otherwise the rejection has been written and the JSON-RPC code
    /// is returned as the telemetry error type.
    /// </summary>
    public ValueTask<string?> RejectAsync(HttpContext context, JsonRpcMessage message, string? method, JsonNode? parameters, RequestId id)
    {
        // No filters (the tool host) or a client response: nothing to do, and nothing allocated.
        if (_filters.Length == 0 || method is null)
        {
            return ValueTask.FromResult<string?>(null);
        }
        return RunAsync(context, new McpRequestFilterContext(context, method, parameters, id, message is JsonRpcNotification));
    }

    private async ValueTask<string?> RunAsync(HttpContext context, McpRequestFilterContext filterContext)
    {
        foreach (var filter in _filters)
        {
            if (await filter.OnRequestAsync(filterContext, context.RequestAborted).ConfigureAwait(false) is { } rejection)
            {
                await WriteAsync(context, rejection, filterContext.Id).ConfigureAwait(false);
                return rejection.ErrorCode.ToString(CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    private static Task WriteAsync(HttpContext context, McpRequestRejection rejection, RequestId id)
    {
        if (rejection.RetryAfter is { } retryAfter)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        var data = rejection.Data;
        return JsonRpcErrorWriter.WriteAsync(context, rejection.StatusCode, rejection.ErrorCode, rejection.Message, id,
            data is null ? null : w => data.WriteTo(w));
    }
}
