using McpAspire.ServiceDefaults.McpGuards;
using McpAspire.ToolHost.Conformance;
using McpAspire.ToolHost.Tools;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Hosting;

/// <summary>
/// Builds the tool host web application: service defaults, the MCP endpoint (the SDK's own Streamable HTTP and legacy
/// SSE transports, 2025 sessions and stateless 2026-07-28 on one path) with the tool host's tools, and the conformance
/// fixtures when <c>ToolHost:Profile=conformance</c>. Tests build it in-process on 127.0.0.1:0.
/// </summary>
public static class ToolHostApp
{
    /// <summary>Name the server reports in <c>serverInfo</c>.</summary>
    public const string ServerName = "mcpaspire-toolhost";

    /// <summary>Creates the builder with every service registered; callers may add configuration or services before <see cref="Build(WebApplicationBuilder)"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.Services.AddOptions<ToolHostOptions>()
            .BindConfiguration(ToolHostOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var profile = builder.Configuration[$"{ToolHostOptions.SectionName}:Profile"] ?? ToolHostOptions.DefaultProfile;
        // ToolHost:SessionStore=state: replicas share 2025 sessions (records in the state service, events in Redis).
        var shared = string.Equals(builder.Configuration[$"{ToolHostOptions.SectionName}:SessionStore"], ToolHostOptions.StateSessionStore, StringComparison.Ordinal);
        var mcp = AddSdkEndpoint(builder, shared);
        mcp.WithListCacheHints(TimeSpan.FromSeconds(60))
            .WithTools<EchoTool>()
            // 2026-07-28 listen streams (list changes, and resource updates when the agent features are on).
            .WithSubscriptionsListenHandler((context, cancellationToken) =>
                context.Services!.GetRequiredService<ListenStreams>().ListenAsync(context, cancellationToken));
        builder.Services.AddSingleton<ListenStreams>();
        McpAspire.ToolHost.Agents.AgentCoordination.Add(builder, mcp);
        if (string.Equals(profile, ToolHostOptions.ConformanceProfile, StringComparison.Ordinal))
        {
            ConformanceProfile.Add(mcp);
        }
        // Last: the tools, prompts and resources above become one set of collections built once, instead of being
        // copied into new collections for every stateless request's server (SharedPrimitives).
        mcp.WithSharedPrimitives();
        return builder;
    }

    private static void ConfigureServer(ModelContextProtocol.Server.McpServerOptions server)
    {
        server.Capabilities = new ServerCapabilities
        {
            // Tools come and go (agent features plug in at run time), so clients should listen for changes.
            Tools = new ToolsCapability { ListChanged = true },
        };
        server.ServerInfo = new Implementation { Name = ServerName, Version = ServerVersion };
    }

    // The SDK runs ConfigureServer for every stateless 2026-07-28 request (a new server per request); Assembly.GetName()
    // there was ~6 % of the tool host's request time in a profile of toolhost-call.
    private static readonly string ServerVersion = typeof(ToolHostApp).Assembly.GetName().Version?.ToString() ?? "1.0.0";

    // The SDK's Streamable HTTP (2025 sessions and stateless 2026-07-28 on one path) and legacy SSE; events for
    // Last-Event-ID in the distributed cache (one replica) or, with shared sessions, in Redis.
    private static IMcpServerBuilder AddSdkEndpoint(WebApplicationBuilder builder, bool shared)
    {
        var sessions = new ToolHostSessions();
        builder.Services.AddSingleton(sessions);
        builder.Services.AddHealthChecks().AddCheck<ToolHostSessions>("mcp");
        // MCP9006: stateful sessions and their resumability are what 2025 clients need.
#pragma warning disable MCP9006
        var mcp = builder.Services.AddMcpServer(ConfigureServer)
            .WithHttpTransport(http =>
            {
                // 2025 clients (initialize) get sessions; 2026-07-28 clients are served statelessly on the same path.
                http.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
#pragma warning disable MCP9004 // legacy HTTP+SSE (2024-11-05) is still what some assistants speak
                http.EnableLegacySse = true;
#pragma warning restore MCP9004
#pragma warning disable MCPEXP002 // the only hook that sees a session end: counts live sessions for /health
                http.RunSessionHandler = sessions.RunAsync;
#pragma warning restore MCPEXP002
            })
            .WithToolCallSpans();
        if (shared)
        {
            // Session records in the state service (SessionSharing:*), events in the tool host's Redis.
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(McpAspire.ToolHost.Agents.AgentCoordination.RedisConnectionName)))
            {
                throw new InvalidOperationException("ToolHost:SessionStore=state needs Redis (ConnectionStrings:redis) for the shared event streams.");
            }
            builder.Services.Configure<McpAspire.SessionSharing.SessionSharingOptions>(o => o.Principal = "toolhost");
            mcp.WithSharedSessions();
        }
        else
        {
            // Last-Event-ID resumability (SEP-1699 polling included): events go to the distributed cache.
            builder.Services.AddDistributedMemoryCache();
            mcp.WithDistributedCacheEventStreamStore(o =>
            {
                // The chaos soak measured the tool host's memory growing with every 2025 call: the SDK keeps each event
                // 30 min (and each stream's metadata 1 h). Resumption needs seconds to minutes.
                var retention = builder.Configuration.GetValue($"{ToolHostOptions.SectionName}:{nameof(ToolHostOptions.EventRetention)}", TimeSpan.FromMinutes(2));
                o.EventSlidingExpiration = o.EventAbsoluteExpiration = retention;
                o.MetadataSlidingExpiration = o.MetadataAbsoluteExpiration = retention;
            });
        }
#pragma warning restore MCP9006
        return mcp;
    }

    /// <summary>Builds the application from a builder made by <see cref="CreateBuilder"/> and maps its endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<ToolHostOptions>>().Value;
        var mcpPath = options.McpPath;
        // Only McpAspire services holding the AppHost's key (the gateway) may call tools; MCP paths refuse with JSON-RPC.
        app.RequireServiceKey(o =>
        {
            o.JsonRpcPaths.Add(mcpPath);
            o.JsonRpcPaths.Add(mcpPath.TrimEnd('/') + "/sse");
            o.JsonRpcPaths.Add(mcpPath.TrimEnd('/') + "/message");
        });
        app.UseMiddleware<McpRequestShapeGuard>(mcpPath);
        if (options.SessionStore == ToolHostOptions.StateSessionStore)
        {
            // Session exists and is the caller's (one state round trip), shared GET stream, and MCP-Protocol-Version
            // pinned to the session's negotiated version: a re-hydrated SDK server learns its version from that header
            // (dropping it, as the tolerance below does, would leave a migrated session without one).
            app.UseSharedSessions(mcpPath);
        }
        else
        {
            app.UseMiddleware<SessionProtocolVersionTolerance>(mcpPath);
        }
        app.UseMiddleware<InitializeParamsGuard>(mcpPath);
        app.MapDefaultEndpoints();
        app.MapMcp(mcpPath);
        return app;
    }

    /// <summary>Creates and builds the application in one step.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) => Build(CreateBuilder(args, configure));
}
