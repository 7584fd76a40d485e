using McpAspire.Mcp.Distributed.Events;
using McpAspire.Mcp.Distributed.Hosting;
using McpAspire.Mcp.Distributed.Sessions;
using McpAspire.Mcp.Events;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using Microsoft.Extensions.Http.Resilience;
using McpAspire.StateService.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the state service in as the MCP endpoint's session and event store.</summary>
public static class StateServiceMcpStoreServiceCollectionExtensions
{
    /// <summary>Name of the HTTP client the stores use.</summary>
    public const string HttpClientName = "McpAspire.Mcp.Distributed.StateService";

    /// <summary>
    /// Replaces the in-memory <see cref="IMcpSessionStore"/> and <see cref="IMcpEventStore"/> (whether
    /// <c>AddMcpEndpoint</c> ran before or after) with ones backed by the state service, and serves GET streams from the
    /// shared event log, so any replica serves any 2025-era session. Options bind from <c>Mcp:StateStore</c>.
    /// </summary>
    public static IServiceCollection AddStateServiceMcpStores(this IServiceCollection services, Action<StateServiceMcpStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StateServiceMcpStoreOptions>()
            .BindConfiguration(StateServiceMcpStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseAddress, UriKind.Absolute, out _), "Mcp:StateStore:BaseAddress must be an absolute URI.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.AddHttpClient(HttpClientName, (sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<StateServiceMcpStoreOptions>>().Value;
                http.BaseAddress = new Uri(o.BaseAddress.TrimEnd('/') + "/");
                http.Timeout = o.RequestTimeout;
            })
            // The shared resilience handler retries for many seconds; a session request must learn "unavailable" at
            // once (503) and its client retries. The request timeout above bounds every call instead.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
            {
                for (var i = handlers.Count - 1; i >= 0; i--)
                {
                    if (handlers[i] is ResilienceHandler)
                    {
                        handlers.RemoveAt(i);
                    }
                }
            });
        services.TryAddKeyedSingleton(HttpClientName, (sp, _) =>
            new StateServiceClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.RemoveAll<IMcpSessionStore>();
        services.RemoveAll<IMcpEventStore>();
        services.AddSingleton<IMcpSessionStore>(sp => new StateServiceMcpSessionStore(
            sp.GetRequiredKeyedService<StateServiceClient>(HttpClientName),
            sp.GetRequiredService<IOptions<StateServiceMcpStoreOptions>>(),
            sp.GetRequiredService<IOptions<McpEndpointOptions>>()));
        services.AddSingleton<IMcpEventStore>(sp => new StateServiceMcpEventStore(
            sp.GetRequiredKeyedService<StateServiceClient>(HttpClientName),
            sp.GetRequiredService<IOptions<StateServiceMcpStoreOptions>>()));
        services.Configure<McpEndpointOptions>(o => o.ServeGetStreamFromEventStore = true);
        return services;
    }
}
