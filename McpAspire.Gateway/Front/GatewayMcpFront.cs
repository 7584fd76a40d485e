using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Forwarding;
using McpAspire.Gateway.RateLimiting;
using McpAspire.Gateway.Sessions;
using McpAspire.ServiceDefaults.McpGuards;
using McpAspire.SessionSharing;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using OpenTelemetry.Metrics;
using StackExchange.Redis;

namespace McpAspire.Gateway.Front;

/// <summary>
/// The gateway's MCP front on the SDK (<c>AddMcpServer().WithHttpTransport()</c> + <c>MapMcp("/mcp")</c>): 2025-era
/// sessions (2024-11-05 … 2025-11-25) and stateless 2026-07-28 on <c>/mcp</c>, legacy HTTP+SSE at <c>/mcp/sse</c> and
/// <c>/mcp/message</c> (and the earlier <c>/sse</c>, <c>/message</c>). What the SDK does not do runs as middleware in
/// front of it, in this order: the request shape (415/400), the body read once (413), <c>initialize</c> params
/// (-32602), rate limits (429), the session's owner (404) or, with shared sessions, the session record (404/503), and
/// the byte-level forwarding of 2026-07-28 calls.
/// </summary>
public static class GatewayMcpFront
{
    /// <summary>The MCP endpoint (both eras).</summary>
    public static readonly PathString McpPath = "/mcp";

    /// <summary>The SDK's legacy SSE stream path under <see cref="McpPath"/>.</summary>
    public static readonly PathString LegacySsePath = "/mcp/sse";

    /// <summary>The SDK's legacy message path under <see cref="McpPath"/>.</summary>
    public static readonly PathString LegacyMessagePath = "/mcp/message";

    /// <summary>Retry interval advertised to a 2025 client whose stream is closed for polling.</summary>
    public static readonly TimeSpan SseRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The state service principal that owns the gateway's shared session records.</summary>
    public const string SessionPrincipal = "mcp-gateway";

    /// <summary>
    /// The SDK's Meter (<c>mcp.server.operation.duration</c>, <c>mcp.client.operation.duration</c>), collected with the
    /// service defaults' own. Its ActivitySource is not: it also traces the gateway's background downstream client
    /// (connects, health pings), which would start a root trace every few seconds (see ServiceDefaults'
    /// QuietBackgroundSampler); the gateway's own spans <c>{method} {server}</c> cover forwarded calls.
    /// </summary>
    public const string SdkTelemetrySource = "Experimental.ModelContextProtocol";

    /// <summary>The Redis connection name (<c>ConnectionStrings:redis</c>) shared sessions keep their events in.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>Registers the SDK server and transport, the live-session registry and, when <paramref name="shared"/>, shared sessions.</summary>
    public static IMcpServerBuilder AddGatewayMcpFront(this WebApplicationBuilder builder, bool shared)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var live = new LiveSessions();
        services.AddSingleton(live);
        services.AddHealthChecks().AddCheck<McpFrontHealthCheck>("mcp");
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(SdkTelemetrySource));
        services.AddOptions<ListResultCachingOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) => o.TimeToLive = gateway.Value.ListResultTimeToLive);
        // MCP9006: stateful sessions and their resumability are what 2025 clients need.
#pragma warning disable MCP9006
        var mcp = services.AddMcpServer(ConfigureServer)
            .WithHttpTransport(http =>
            {
                // 2025 clients (initialize) get sessions; 2026-07-28 clients are served statelessly on the same path.
                http.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
#pragma warning disable MCP9004 // legacy HTTP+SSE (2024-11-05) is still what some assistants speak
                http.EnableLegacySse = true;
#pragma warning restore MCP9004
#pragma warning disable MCPEXP002 // the only hook that sees a session's own server and its end
                http.RunSessionHandler = live.RunAsync;
#pragma warning restore MCPEXP002
            })
            .WithListResultCaching()
            // A polled call's result, once written, ends its held POST response (PollingHold).
            .WithMessageFilters(filters => filters.AddOutgoingFilter(next => async (context, cancellationToken) =>
            {
                await next(context, cancellationToken).ConfigureAwait(false);
                PollingHold.Sent(context.Server.SessionId, context.JsonRpcMessage);
            }));
        services.AddHttpContextAccessor();
        if (shared)
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
            {
                throw new GatewayConfigurationException($"Gateway:SessionStore=state needs Redis (ConnectionStrings:{RedisConnectionName}) for the shared event streams.");
            }
            if (!services.Any(d => d.ServiceType == typeof(IConnectionMultiplexer)))
            {
                builder.AddDefaultRedisClient(RedisConnectionName);
            }
            // Defaults before WithSharedSessions binds SessionSharing:*; a session idle this long ends (as before the move).
            services.Configure<SessionSharingOptions>(o =>
            {
                o.Principal = SessionPrincipal;
                o.IdleTimeout = TimeSpan.FromHours(2);
            });
            mcp.WithSharedSessions();
            // Each new session also records the downstreams' client state (status, tool count, downstream session id).
            services.AddSingleton(sp => new LiveSessionClientRecords(
                sp.GetRequiredService<DownstreamManager>(), StateClient(sp), SessionPrincipal, sp.GetRequiredService<ILogger<LiveSessionClientRecords>>()));
            services.AddSingleton<ISharedSessionObserver>(sp => new DownstreamClientRecorder(
                StateClient(sp), SessionPrincipal, sp.GetRequiredService<DownstreamManager>(), sp.GetRequiredService<LiveSessionClientRecords>(),
                sp.GetRequiredService<ILogger<DownstreamClientRecorder>>()));
        }
        else
        {
            // Last-Event-ID resumability (SEP-1699 polling included) for one replica: events in the distributed cache.
            services.AddDistributedMemoryCache();
            mcp.WithDistributedCacheEventStreamStore(o =>
            {
                var retention = TimeSpan.FromMinutes(10);
                o.EventSlidingExpiration = o.EventAbsoluteExpiration = retention;
                o.MetadataSlidingExpiration = o.MetadataAbsoluteExpiration = retention;
            });
        }
#pragma warning restore MCP9006
        return mcp;
    }

    /// <summary>The middleware in front of the SDK, routing, and <c>MapMcp</c>; call after the security middleware.</summary>
    public static WebApplication UseGatewayMcpFront(this WebApplication app, bool shared)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<LegacySsePaths>();
        app.UseMiddleware<McpRequestShapeGuard>(McpPath.Value!);
        app.UseMiddleware<McpRequestPeekMiddleware>();
        app.UseMiddleware<InitializeParamsGuard>(McpPath.Value!);
        if (app.Services.GetService<RateLimitFilter>() is not null)
        {
            app.UseMiddleware<RateLimitMiddleware>();
        }
        app.UseMiddleware<SessionOwnerGate>(!shared);
        if (shared)
        {
            // Session exists and is the caller's (one state round trip), the shared GET stream, the session's version.
            app.UseSharedSessions(McpPath);
        }
        else
        {
            // A 2025 session is served as the version it negotiated, whatever 2025 version a request names.
            app.UseMiddleware<SessionProtocolVersionTolerance>(McpPath.Value!);
        }
        app.UseMiddleware<StatelessForwardingMiddleware>();
        app.Use(PollingHold.HoldResponseAsync);
        // Routing after the rewrite of the legacy root paths.
        app.UseRouting();
        app.MapMcp(McpPath.Value!);
        return app;
    }

    // The SDK runs ConfigureServer for every stateless 2026-07-28 request (a new server per request): computed once.
    private static readonly string ServerVersion = typeof(GatewayApp).Assembly.GetName().Version?.ToString() ?? "1.0.0";

    private static StateServiceClient StateClient(IServiceProvider services) =>
        new(services.GetRequiredService<IHttpClientFactory>().CreateClient(SessionSharingExtensions.HttpClientName));

    private static void ConfigureServer(McpServerOptions server)
    {
        server.ServerInfo = new Implementation { Name = GatewayApp.ServerName, Version = ServerVersion };
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
    }
}
