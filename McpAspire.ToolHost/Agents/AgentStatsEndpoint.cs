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
        MapGet(app, "/stats/system", static (services, ct) => services.GetRequiredService<SystemStatusReader>().ReadAsync(ct), AgentJsonContext.Default.SystemStatus);
        MapGet(app, "/stats", static (services, ct) => services.GetRequiredService<AgentStore>().StatsAsync(ct), AgentJsonContext.Default.AgentStats);
        next(app);
    };

    // A GET-only JSON endpoint (Map, so it runs before the MCP endpoint's middleware; /stats/system first: Map is a prefix match).
    private static void MapGet<T>(IApplicationBuilder app, string path, Func<IServiceProvider, CancellationToken, Task<T>> read, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        app.Map(path, branch => branch.Run(async context =>
        {
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET";
                return;
            }
            var value = await read(context.RequestServices, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted).ConfigureAwait(false);
        }));
}
