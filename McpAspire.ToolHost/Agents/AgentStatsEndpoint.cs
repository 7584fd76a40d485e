using System.Text.Json;
using McpAspire.ToolHost.Storage;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// <c>GET /stats</c>: the coordination statistics as JSON (the same as the <c>agents_stats</c> tool), for dashboards
/// and probes that do not speak MCP. Added as a startup filter so the hosting code needs no change.
/// </summary>
internal sealed class AgentStatsEndpoint : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Map("/stats/system", branch => branch.Run(async context =>
        {
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET";
                return;
            }
            var status = await context.RequestServices.GetRequiredService<SystemStatusReader>().ReadAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, status, AgentJsonContext.Default.SystemStatus, context.RequestAborted).ConfigureAwait(false);
        }));
        app.Map("/stats", branch => branch.Run(async context =>
        {
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET";
                return;
            }
            var stats = await context.RequestServices.GetRequiredService<AgentStore>().StatsAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, stats, AgentJsonContext.Default.AgentStats, context.RequestAborted).ConfigureAwait(false);
        }));
        next(app);
    };
}
