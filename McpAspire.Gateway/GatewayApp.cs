using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Diagnostics;
using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Forwarding;
using McpAspire.Gateway.Front;
using McpAspire.Gateway.RateLimiting;
using McpAspire.Gateway.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        builder.Services.AddHealthChecks().AddCheck<DownstreamHealthCheck>("downstreams");
        builder.AddGatewayRateLimits();

        // Stateless replicas: with the state service, 2025-era sessions are shared (records there, events in Redis).
        var shared = SharesSessions(builder.Configuration);
        var mcp = builder.AddGatewayMcpFront(shared);
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
        app.UseGatewayMcpFront(SharesSessions(app.Configuration));
        app.MapDefaultEndpoints();
        app.MapGatewayStats();
        app.MapEnvironmentContractEndpoints();
        return app;
    }

    /// <summary>Creates and builds in one step.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) => Build(CreateBuilder(args, configure));

    /// <summary><c>Gateway:SessionStore</c>: <c>state</c> (the default when the state service is configured) or <c>memory</c>.</summary>
    private static bool SharesSessions(IConfiguration configuration)
    {
        var sessionStore = configuration[$"{GatewayOptions.SectionName}:SessionStore"]
            ?? (configuration.GetSection("services:statesvc").Exists() ? "state" : "memory");
        return sessionStore switch
        {
            "state" => true,
            "memory" => false,
            _ => throw new GatewayConfigurationException($"Gateway:SessionStore must be 'state' or 'memory', not '{sessionStore}'."),
        };
    }

    private static GatewayMcpHandlers Handlers(IServiceProvider? services) =>
        (services ?? throw new InvalidOperationException("The MCP request has no service provider.")).GetRequiredService<GatewayMcpHandlers>();
}
