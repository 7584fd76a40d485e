using McpAspire.Mcp.Events;
using McpAspire.Mcp.Filters;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Http;
using McpAspire.Mcp.Sessions;
using McpAspire.Mcp.Subscriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MCP HTTP endpoint (the role of ModelContextProtocol.AspNetCore's <c>WithHttpTransport</c>).</summary>
public static class McpEndpointServiceCollectionExtensions
{
    /// <summary>
    /// Adds an MCP server (<c>AddMcpServer</c>) served over HTTP by <c>MapMcp</c>: endpoint options bound from
    /// <c>Mcp:Endpoint</c> and validated at start-up, the in-memory session and event stores (replace
    /// <see cref="IMcpSessionStore"/>/<see cref="IMcpEventStore"/> before or after to share state between replicas),
    /// and idle-session pruning. Continue with <c>.WithTools&lt;T&gt;()</c> etc. on the returned builder.
    /// </summary>
    public static IMcpServerBuilder AddMcpEndpoint(this IServiceCollection services, Action<McpEndpointOptions>? configure = null, Action<McpServerOptions>? configureServer = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<McpEndpointOptions>()
            .BindConfiguration(McpEndpointOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.LegacySsePath.StartsWith('/') && o.LegacyMessagePath.StartsWith('/'), "Legacy SSE paths must start with '/'.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMcpSessionStore, InMemoryMcpSessionStore>();
        services.TryAddSingleton<IMcpEventStore, InMemoryMcpEventStore>();
        services.TryAddSingleton<McpLiveSessionRegistry>();
        services.TryAddSingleton<McpRequestFilterPipeline>();
        services.TryAddSingleton(sp => new McpLiveSessions(sp.GetRequiredService<McpLiveSessionRegistry>()));
        services.TryAddSingleton<StreamableHttpEndpoint>();
        services.TryAddSingleton<LegacySseEndpoint>();
        services.AddHostedService<McpSessionPruner>();
        services.TryAddSingleton<McpSubscriptionHub>();
        services.AddHealthChecks().AddCheck<McpEndpointHealthCheck>("mcp");
        services.AddOptions<McpServerOptions>().Configure<IServiceProvider>((server, provider) =>
            // Resolved lazily: the hub itself reads the (then configured) server options.
            server.Handlers.SubscriptionsListenHandler ??= (request, ct) => provider.GetRequiredService<McpSubscriptionHub>().ListenAsync(request, ct));
        return services.AddMcpServer(configureServer).WithRequestFilters(filters => filters
            .AddListToolsFilter(next => async (request, ct) => ApplyCacheHints(request.Services, await next(request, ct).ConfigureAwait(false)))
            .AddListPromptsFilter(next => async (request, ct) => ApplyCacheHints(request.Services, await next(request, ct).ConfigureAwait(false)))
            .AddListResourcesFilter(next => async (request, ct) => ApplyCacheHints(request.Services, await next(request, ct).ConfigureAwait(false)))
            .AddListResourceTemplatesFilter(next => async (request, ct) => ApplyCacheHints(request.Services, await next(request, ct).ConfigureAwait(false))));
    }

    private static T ApplyCacheHints<T>(IServiceProvider? services, T result) where T : ICacheableResult
    {
        if (services?.GetService(typeof(IOptions<McpEndpointOptions>)) is IOptions<McpEndpointOptions> { Value.ListResultTimeToLive: { } ttl } options)
        {
            result.TimeToLive = ttl;
            result.CacheScope = options.Value.ListResultsArePublic ? CacheScope.Public : CacheScope.Private;
        }
        return result;
    }
}
