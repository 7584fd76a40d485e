using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Plugs the agent-coordination features (tools, resources, prompts, notifications, sweeper, <c>/stats</c>) into the
/// tool host. They need Redis: without <c>ConnectionStrings:redis</c> the tool host serves only its other tools.
/// </summary>
public static class AgentCoordination
{
    /// <summary>The Redis connection name (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>Adds the agent features when Redis is configured; returns whether it did.</summary>
    public static bool Add(WebApplicationBuilder builder, IMcpServerBuilder mcp)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(mcp);
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            return false;
        }
        builder.AddDefaultRedisClient(RedisConnectionName);
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultMessageTtlSeconds <= o.MaxMessageTtlSeconds, "ToolHost:Agents:DefaultMessageTtlSeconds must not exceed MaxMessageTtlSeconds.")
            .Validate(o => o.DefaultHandleTtlSeconds <= o.MaxTtlSeconds, "ToolHost:Agents:DefaultHandleTtlSeconds must not exceed MaxTtlSeconds.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentStore>();
        builder.Services.AddSingleton<MessageTypeRegistry>();
        builder.Services.AddSingleton<MessageRouter>();
        builder.Services.AddSingleton<SystemStatusReader>();
        builder.Services.AddSingleton<ErrorLog>();
        builder.Services.AddSingleton<RetryStrategies>();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentConfigurationValidator>();
        builder.Services.AddSingleton<SharedStateStore>();
        builder.Services.AddSingleton<MailboxSignals>();
        builder.Services.AddSingleton<ResourceNotifier>();
        builder.Services.AddHostedService<AgentEventListener>();
        builder.Services.AddHostedService<AgentSweeper>();
        builder.Services.AddSingleton<IStartupFilter, AgentStatsEndpoint>();

        var json = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        json.TypeInfoResolverChain.Insert(0, AgentJsonContext.Default);
        // The output schemas list every property as required (null allowed where the type is nullable), so structured
        // content must carry nulls too: clients that validate it (the TypeScript SDK) reject a missing "from".
        json.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        json.MakeReadOnly();
        mcp.WithTools<AgentTools>(json)
            .WithTools<MessageTools>(json)
            .WithTools<MessageTypeTools>(json)
            .WithTools<RoutingRuleTools>(json)
            .WithTools<SharedStateTools>(json)
            .WithResources<AgentResources>()
            .WithResources<SystemStatusResource>()
            .WithTools<ErrorTools>(json)
            .WithResources<ErrorTools>()
            .WithPrompts<AgentPrompts>()
            // Outermost: classify, retry and record whatever the inner filters and the tool throw.
            .WithRequestFilters(filters => filters.AddCallToolFilter(ToolErrorFilter.Wrap))
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => (request, cancellationToken) =>
            {
                ToolArgumentValidator.Validate(request);
                return next(request, cancellationToken);
            }))
            // 2025 sessions: resources/subscribe. (The conformance profile, added later, replaces these two handlers with its own.)
            .WithSubscribeToResourcesHandler((context, _) =>
            {
                if (context.Params?.Uri is { } uri && ResourceNotifier.IsOurs(uri))
                {
                    context.Services!.GetRequiredService<ResourceNotifier>().Subscribe(context.Server, uri);
                }
                return ValueTask.FromResult(new ModelContextProtocol.Protocol.EmptyResult());
            })
            .WithUnsubscribeFromResourcesHandler((context, _) =>
            {
                if (context.Params?.Uri is { } uri)
                {
                    context.Services!.GetRequiredService<ResourceNotifier>().Unsubscribe(context.Server, uri);
                }
                return ValueTask.FromResult(new ModelContextProtocol.Protocol.EmptyResult());
            });
        return true;
    }
}
