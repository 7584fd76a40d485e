using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MCP endpoint (the role of ModelContextProtocol.AspNetCore's <c>MapMcp</c>).</summary>
public static class McpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps Streamable HTTP (POST, GET, DELETE) at <paramref name="pattern"/> for both protocol eras and, unless turned
    /// off, the legacy HTTP+SSE pair at <see cref="McpEndpointOptions.LegacySsePath"/>/<see cref="McpEndpointOptions.LegacyMessagePath"/>.
    /// Requires <c>services.AddMcpEndpoint()</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapMcpEndpoint(this IEndpointRouteBuilder endpoints, string pattern = "/mcp")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = endpoints.ServiceProvider.GetService<StreamableHttpEndpoint>()
            ?? throw new InvalidOperationException("Call services.AddMcpEndpoint() before MapMcpEndpoint().");
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<McpEndpointOptions>>().Value;
        var group = endpoints.MapGroup(pattern);
        group.MapPost("", handler.HandlePostAsync).DisableAntiforgery();
        group.MapGet("", handler.HandleGetAsync);
        group.MapDelete("", handler.HandleDeleteAsync);
        // Anything else on the endpoint (PUT, PATCH, …) gets a JSON-RPC shaped 405 rather than an empty one.
        group.MapMethods("", [HttpMethods.Put, HttpMethods.Patch], static context =>
        {
            context.Response.Headers.Allow = "GET, POST, DELETE";
            return JsonRpcErrorWriter.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, JsonRpcErrorCodes.ServerError, "Method Not Allowed.");
        });
        if (options.EnableLegacySse)
        {
            var legacy = endpoints.ServiceProvider.GetRequiredService<LegacySseEndpoint>();
            endpoints.MapGet(options.LegacySsePath, legacy.HandleSseAsync);
            endpoints.MapPost(options.LegacyMessagePath, legacy.HandleMessageAsync).DisableAntiforgery();
        }
        return group;
    }
}
