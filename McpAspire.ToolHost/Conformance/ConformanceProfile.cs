#pragma warning disable MCP9005 // logging, sampling and elicitation are deprecated in 2026-07-28, but the 2025 scenarios exercise exactly them
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Conformance;

/// <summary>
/// <c>ToolHost:Profile=conformance</c>: the fixture tools, prompts, resources and handlers the official conformance
/// suite (<c>@modelcontextprotocol/conformance</c> 0.1.x, server scenarios) calls.
/// </summary>
public static class ConformanceProfile
{
    /// <summary>Adds the fixtures to an MCP server builder.</summary>
    public static IMcpServerBuilder Add(IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Per-session resource subscriptions (2025 sessions only; 2026 uses subscriptions/listen).
        var subscriptions = new ConcurrentDictionary<string, ConcurrentDictionary<string, byte>>(StringComparer.Ordinal);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, PollingGateStartup>();
        return builder
            .WithTools<ConformanceTools>()
            .WithTools([ConformanceTools.CreateJsonSchema202012Tool()])
            .WithPrompts<ConformancePrompts>()
            .WithResources<ConformanceResources>()
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => async (request, cancellationToken) =>
            {
                var result = await next(request, cancellationToken).ConfigureAwait(false);
                if (request.Params?.Name == "test_reconnection" && request.Server.SessionId is not null)
                {
                    // SEP-1699: close the POST stream before the result; the client resumes with Last-Event-ID.
                    var http = request.Services?.GetService<Microsoft.AspNetCore.Http.IHttpContextAccessor>()?.HttpContext;
                    var gate = http is null ? null : PollingGate.Open(http, request.Server.SessionId, request.JsonRpcRequest.Id);
                    await request.EnablePollingAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    if (gate is not null)
                    {
                        await gate.WaitDetachedAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                return result;
            }))
            .WithMessageFilters(filters => filters.AddOutgoingFilter(next => async (context, cancellationToken) =>
            {
                await next(context, cancellationToken).ConfigureAwait(false);
                PollingGate.Sent(context.Server.SessionId, context.JsonRpcMessage);
            }))
            .WithCompleteHandler((_, _) => ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = [], Total = 0, HasMore = false } }))
            .WithSetLoggingLevelHandler(async (context, cancellationToken) =>
            {
                await context.Server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, new LoggingMessageNotificationParams
                {
                    Level = LoggingLevel.Info,
                    Logger = "conformance",
                    Data = JsonSerializer.SerializeToElement($"Log level set to: {context.Params?.Level}", ConformanceJsonContext.Default.String),
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new EmptyResult();
            })
            .WithSubscribeToResourcesHandler((context, _) =>
            {
                if (context.Server.SessionId is { } session && context.Params?.Uri is { } uri)
                {
                    subscriptions.GetOrAdd(session, static _ => new(StringComparer.Ordinal)).TryAdd(uri, 0);
                }
                return ValueTask.FromResult(new EmptyResult());
            })
            .WithUnsubscribeFromResourcesHandler((context, _) =>
            {
                if (context.Server.SessionId is { } session && context.Params?.Uri is { } uri && subscriptions.TryGetValue(session, out var set))
                {
                    set.TryRemove(uri, out byte _);
                }
                return ValueTask.FromResult(new EmptyResult());
            });
    }
}
