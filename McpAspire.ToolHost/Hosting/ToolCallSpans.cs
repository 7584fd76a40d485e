using System.Diagnostics;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// One span per tool call under the request's server span (ActivitySource <c>McpAspire.ToolHost</c>, collected by
/// ServiceDefaults' <c>McpAspire.*</c>): <c>tools/call {name}</c> with <c>mcp.method.name</c>, <c>gen_ai.tool.name</c>,
/// <c>mcp.session.id</c> and <c>error.type</c>, so a call through the gateway is one trace in the dashboard. (The SDK's
/// own spans come from <c>Experimental.ModelContextProtocol</c>, which the service defaults do not collect.)
/// </summary>
public static class ToolCallSpans
{
    /// <summary>The tool host's activity source.</summary>
    public static readonly ActivitySource Source = new("McpAspire.ToolHost");

    /// <summary>Adds the call span filter.</summary>
    public static IMcpServerBuilder WithToolCallSpans(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithRequestFilters(filters => filters.AddCallToolFilter(next => (request, cancellationToken) =>
            // Nobody collects the source (no OTLP endpoint): no span, no name string, no async frame.
            Source.HasListeners() ? TraceAsync(next, request, cancellationToken) : next(request, cancellationToken)));
    }

    private static async ValueTask<CallToolResult> TraceAsync(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var name = request.Params?.Name;
        using var activity = Source.StartActivity(name is null ? "tools/call" : "tools/call " + name, ActivityKind.Internal);
        activity?.SetTag("mcp.method.name", "tools/call");
        activity?.SetTag("gen_ai.tool.name", name);
        activity?.SetTag("mcp.session.id", request.Server.SessionId);
        try
        {
            var result = await next(request, cancellationToken).ConfigureAwait(false);
            if (result.IsError == true)
            {
                activity?.SetTag("error.type", "tool_error");
            }
            return result;
        }
        catch (Exception ex)
        {
            activity?.SetTag("error.type", ex.GetType().Name);
            throw;
        }
    }
}
