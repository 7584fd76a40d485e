using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Diagnostics;
using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Forwarding;
using McpAspire.Gateway.Front;
using McpAspire.Gateway.RateLimiting;
using McpAspire.Gateway.Security;
using McpAspire.Gateway.Sessions;
using McpAspire.Mcp.Distributed.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway;

/// <summary>
/// Builds the gateway: service defaults, the downstream servers from configuration and the <c>mcpServers</c> file, the
/// merged catalog, and one MCP endpoint (<c>/mcp</c>, both protocol eras, plus legacy SSE) routing to them.
/// Tests build it in-process on a free port.
/// </summary>
public static class GatewayApp
{
    /// <summary>The name the gateway reports in <c>serverInfo</c>.</summary>
    public const string ServerName = "mcpaspire-gateway";

    /// <summary>Creates the builder with every service registered.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();

        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DownstreamServerSource>();
        builder.Services.AddSingleton<DownstreamManager>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DownstreamManager>());
        builder.Services.AddSingleton<NotificationHub>();
        builder.Services.AddSingleton<GatewayMcpHandlers>();
        // 2026-07-28 tool calls, prompts and reads to HTTP servers that take that revision skip the SDK client and server (Forwarding/).
        builder.Services.AddSingleton<McpAspire.Mcp.Forwarding.IMcpStatelessRequestHandler, StatelessForwardingHandler>();
        builder.Services.AddHealthChecks().AddCheck<DownstreamHealthCheck>("downstreams");
        builder.AddGatewayRateLimits();

        var listTtl = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()?.ListResultTimeToLive ?? TimeSpan.FromSeconds(10);
        var mcp = builder.Services.AddMcpEndpoint(endpoint =>
        {
            // Every caller sees the same merged catalog, so 2026 clients may cache list results briefly.
            endpoint.ListResultTimeToLive = listTtl;
            endpoint.ListResultsArePublic = true;
        }, server =>
        {
            server.ServerInfo = new Implementation { Name = ServerName, Version = typeof(GatewayApp).Assembly.GetName().Version?.ToString() ?? "1.0.0" };
            server.Capabilities = new ServerCapabilities
            {
                Tools = new ToolsCapability { ListChanged = true },
                Prompts = new PromptsCapability { ListChanged = true },
                Resources = new ResourcesCapability { ListChanged = true, Subscribe = true },
                Completions = new CompletionsCapability(),
#pragma warning disable MCP9005 // 2025-era clients may set a log level; downstream log messages are forwarded to them
                Logging = new LoggingCapability(),
#pragma warning restore MCP9005
            };
            server.ServerInstructions = "McpAspire gateway: tools, prompts and resources of several MCP servers behind one endpoint. "
                + "Names prefixed 'server__' tell which server a tool comes from.";
        });
        var sessionStore = builder.Configuration[$"{GatewayOptions.SectionName}:SessionStore"]
            ?? (builder.Configuration.GetSection("services:statesvc").Exists() ? "state" : "memory");
        if (sessionStore is not ("state" or "memory"))
        {
            throw new GatewayConfigurationException($"Gateway:SessionStore must be 'state' or 'memory', not '{sessionStore}'.");
        }
        if (sessionStore == "state")
        {
            // Stateless replicas: 2025-era sessions, their GET streams and Last-Event-ID replays live in the state service.
            builder.Services.AddStateServiceMcpStores(store => store.Principal = "mcp-gateway");
            // Each new session also records the downstreams' client state (status, tool count, downstream session id).
            var stateStore = builder.Services.Last(d => d.ServiceType == typeof(IMcpSessionStore));
            builder.Services.Remove(stateStore);
            builder.Services.AddSingleton(sp => new LiveSessionClientRecords(
                sp.GetRequiredService<DownstreamManager>(),
                sp.GetRequiredKeyedService<StateServiceClient>(StateServiceMcpStoreServiceCollectionExtensions.HttpClientName),
                sp.GetRequiredService<IOptions<StateServiceMcpStoreOptions>>().Value.Principal,
                sp.GetRequiredService<ILogger<LiveSessionClientRecords>>()));
            builder.Services.AddSingleton<IMcpSessionStore>(sp => new DownstreamRegisteringSessionStore(
                (IMcpSessionStore)stateStore.ImplementationFactory!(sp),
                sp.GetRequiredKeyedService<StateServiceClient>(StateServiceMcpStoreServiceCollectionExtensions.HttpClientName),
                sp.GetRequiredService<DownstreamManager>(),
                sp.GetRequiredService<IOptions<StateServiceMcpStoreOptions>>(),
                sp.GetRequiredService<ILogger<DownstreamRegisteringSessionStore>>(),
                sp.GetRequiredService<LiveSessionClientRecords>()));
            // A session deleted or expired through one replica is gone on the others within a second.
            builder.Services.PostConfigure<McpAspire.Mcp.Hosting.McpEndpointOptions>(endpoint => endpoint.SessionTouchInterval = TimeSpan.FromSeconds(1));
        }
        // Who may use /mcp, and which servers, tools, prompts and resources each principal sees (Security/).
        builder.AddGatewaySecurity(mcp);
        mcp.WithListToolsHandler((request, ct) => Handlers(request.Services).ListToolsAsync(request, ct))
            .WithCallToolHandler((request, ct) => Handlers(request.Services).CallToolAsync(request, ct))
            .WithListPromptsHandler((request, ct) => Handlers(request.Services).ListPromptsAsync(request, ct))
            .WithGetPromptHandler((request, ct) => Handlers(request.Services).GetPromptAsync(request, ct))
            .WithListResourcesHandler((request, ct) => Handlers(request.Services).ListResourcesAsync(request, ct))
            .WithListResourceTemplatesHandler((request, ct) => Handlers(request.Services).ListResourceTemplatesAsync(request, ct))
            .WithReadResourceHandler((request, ct) => Handlers(request.Services).ReadResourceAsync(request, ct))
            .WithSubscribeToResourcesHandler((request, ct) => Handlers(request.Services).SubscribeAsync(request, ct))
            .WithUnsubscribeFromResourcesHandler((request, ct) => Handlers(request.Services).UnsubscribeAsync(request, ct))
            .WithCompleteHandler((request, ct) => Handlers(request.Services).CompleteAsync(request, ct))
            .WithSubscriptionsListenHandler((request, ct) => request.Services!.GetRequiredService<NotificationHub>().ListenAsync(request, ct));
#pragma warning disable MCP9005 // deprecated in 2026-07-28, still how 2025-era clients choose a log level
        mcp.WithSetLoggingLevelHandler((request, ct) => Handlers(request.Services).SetLoggingLevelAsync(request, ct));
#pragma warning restore MCP9005
        return builder;
    }

    /// <summary>Builds the application and maps its endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        var manager = app.Services.GetRequiredService<DownstreamManager>();
        GatewayMetrics.ObserveConnections(() => manager.Connections.Select(c => (c.Name, c.Status == DownstreamStatus.Connected)));
        app.UseGatewaySecurity();
        app.MapDefaultEndpoints();
        app.MapGatewayStats();
        app.MapEnvironmentContractEndpoints();
        app.MapMcpEndpoint("/mcp");
        return app;
    }

    /// <summary>Creates and builds in one step.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) => Build(CreateBuilder(args, configure));

    private static GatewayMcpHandlers Handlers(IServiceProvider? services) =>
        (services ?? throw new InvalidOperationException("The MCP request has no service provider.")).GetRequiredService<GatewayMcpHandlers>();
}
