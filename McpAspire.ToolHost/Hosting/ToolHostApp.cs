using McpAspire.ToolHost.Conformance;
using McpAspire.ToolHost.Tools;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Hosting;

/// <summary>
/// Builds the tool host web application: service defaults, the MCP endpoint with the tool host's tools, and the
/// conformance fixtures when <c>ToolHost:Profile=conformance</c>. Tests build it in-process on 127.0.0.1:0.
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
        var mcp = builder.Services.AddMcpEndpoint(endpoint =>
        {
            // The tool host's lists are the same for every caller, so 2026 clients may cache them briefly.
            endpoint.ListResultTimeToLive = TimeSpan.FromSeconds(60);
            endpoint.ListResultsArePublic = true;
        }, server =>
        {
            server.Capabilities = new ServerCapabilities
            {
                // Tools come and go (agent features plug in at run time), so clients should listen for changes.
                Tools = new ToolsCapability { ListChanged = true },
            };
            server.ServerInfo = new Implementation { Name = ServerName, Version = typeof(ToolHostApp).Assembly.GetName().Version?.ToString() ?? "1.0.0" };
        });
        mcp.WithTools<EchoTool>();
        McpAspire.ToolHost.Agents.AgentCoordination.Add(builder, mcp);
        if (string.Equals(builder.Configuration[$"{ToolHostOptions.SectionName}:SessionStore"], ToolHostOptions.StateSessionStore, StringComparison.Ordinal))
        {
            // Replicas behind one address share 2025-era sessions and their event streams through the state service.
            builder.Services.AddStateServiceMcpStores();
        }
        if (string.Equals(profile, ToolHostOptions.ConformanceProfile, StringComparison.Ordinal))
        {
            ConformanceProfile.Add(mcp);
        }
        return builder;
    }

    /// <summary>Builds the application from a builder made by <see cref="CreateBuilder"/> and maps its endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        var mcpPath = app.Services.GetRequiredService<IOptions<ToolHostOptions>>().Value.McpPath;
        var endpoint = app.Services.GetRequiredService<IOptions<McpAspire.Mcp.Hosting.McpEndpointOptions>>().Value;
        // Only McpAspire services holding the AppHost's key (the gateway) may call tools; MCP paths refuse with JSON-RPC.
        app.RequireServiceKey(o =>
        {
            o.JsonRpcPaths.Add(mcpPath);
            o.JsonRpcPaths.Add(endpoint.LegacySsePath);
            o.JsonRpcPaths.Add(endpoint.LegacyMessagePath);
        });
        app.MapDefaultEndpoints();
        app.MapMcp(mcpPath);
        return app;
    }

    /// <summary>Creates and builds the application in one step.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) => Build(CreateBuilder(args, configure));
}
