using McpAspire.SessionSharing;
using McpAspire.StateService.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs shared 2025-era sessions into an SDK MCP server (<c>AddMcpServer().WithHttpTransport()</c>).</summary>
public static class SessionSharingExtensions
{
    /// <summary>Name of the HTTP client the session directory uses.</summary>
    public const string HttpClientName = "McpAspire.SessionSharing.StateService";

    /// <summary>
    /// Records sessions in the state service and their events in Redis (an <c>IConnectionMultiplexer</c> must be
    /// registered), so any replica serves any 2025-era session: the SDK's session migration (principal-checked), its
    /// event stream store, and the recorder of unsolicited messages. Options bind from <c>SessionSharing</c>. Call
    /// <see cref="UseSharedSessions"/> before <c>MapMcp</c>.
    /// </summary>
    public static IMcpServerBuilder WithSharedSessions(this IMcpServerBuilder builder, Action<SessionSharingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SessionSharingOptions>()
            .BindConfiguration(SessionSharingOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.StateBaseAddress, UriKind.Absolute, out _), "SessionSharing:StateBaseAddress must be an absolute URI.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.AddHttpClient(HttpClientName, (sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<SessionSharingOptions>>().Value;
                http.BaseAddress = new Uri(o.StateBaseAddress.TrimEnd('/') + "/");
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
        services.TryAddSingleton(sp => new StateSessionDirectory(
            new StateServiceClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)),
            sp.GetRequiredService<IOptions<SessionSharingOptions>>()));
        services.TryAddSingleton<LocalSharedSessions>();
        services.TryAddSingleton<RedisEventStreamStore>();
        services.TryAddSingleton<UnsolicitedMessageRecorder>();
#pragma warning disable MCP9006 // stateful-HTTP resumability and migration: what 2025 sessions need
        services.AddSingleton<ISseEventStreamStore>(sp => sp.GetRequiredService<RedisEventStreamStore>());
#pragma warning restore MCP9006
        services.AddSingleton<ISessionMigrationHandler, StateSessionMigrationHandler>();
        services.AddSingleton<IConfigureOptions<McpServerOptions>>(sp => new ConfigureOptions<McpServerOptions>(server =>
            server.Filters.Message.OutgoingFilters.Add(sp.GetRequiredService<UnsolicitedMessageRecorder>().Filter)));
        services.AddSingleton<IPostConfigureOptions<HttpServerTransportOptions>>(sp => new PostConfigureOptions<HttpServerTransportOptions>(Options.Options.DefaultName, http =>
        {
            var o = sp.GetRequiredService<IOptions<SessionSharingOptions>>().Value;
            // A replica's copy of a session lives as long as the shared record would without requests.
#pragma warning disable MCP9006 // stateful sessions are what this library is for
            http.IdleTimeout = o.IdleTimeout;
#pragma warning restore MCP9006
            var local = sp.GetRequiredService<LocalSharedSessions>();
#pragma warning disable MCPEXP002 // the only hook that sees a session end: forget it for the recorder
            var inner = http.RunSessionHandler;
            http.RunSessionHandler = async (context, server, cancellationToken) =>
            {
                try
                {
                    if (inner is null)
                    {
                        await server.RunAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await inner(context, server, cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    if (local.Contains(server.SessionId))
                    {
                        local.Remove(server.SessionId);
                        foreach (var observer in sp.GetServices<ISharedSessionObserver>())
                        {
                            observer.SessionReleased(server.SessionId!);
                        }
                    }
                }
            };
#pragma warning restore MCPEXP002
        }));
        return builder;
    }

    /// <summary>Adds <see cref="SharedSessionGate"/> for the MCP endpoint at <paramref name="mcpPath"/>.</summary>
    public static IApplicationBuilder UseSharedSessions(this IApplicationBuilder app, PathString mcpPath)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<SharedSessionGate>(mcpPath.Value ?? "/mcp");
    }
}
