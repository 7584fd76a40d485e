using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.ToolHost.Agents;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Hosting;

/// <summary>
/// 2026-07-28 <c>subscriptions/listen</c>: the SDK serves each stateless request with its own server and its built-in
/// handler grants nothing, so this one acknowledges what the tool host honours (tool, prompt and resource list changes
/// from the primitive collections; <c>resources/updated</c> for the agent resources when Redis is on), holds the
/// stream open and sends each change tagged with the subscription id, until the client leaves or the host stops.
/// </summary>
internal sealed class ListenStreams
{
    private readonly ConcurrentDictionary<Listener, byte> _listeners = new();
    private readonly ResourceNotifier? _resources;
    private readonly IHostApplicationLifetime _lifetime;

    private sealed record Listener(McpServer Server, RequestId Id, SubscriptionsListenNotifications Granted);

    public ListenStreams(IOptions<McpServerOptions> options, IHostApplicationLifetime lifetime, IServiceProvider services)
    {
        _lifetime = lifetime;
        _resources = services.GetService<ResourceNotifier>();
        var server = options.Value;
        if (server.ToolCollection is { } tools)
        {
            tools.Changed += (_, _) => Broadcast(NotificationMethods.ToolListChangedNotification, g => g.ToolsListChanged);
        }
        if (server.PromptCollection is { } prompts)
        {
            prompts.Changed += (_, _) => Broadcast(NotificationMethods.PromptListChangedNotification, g => g.PromptsListChanged);
        }
        if (server.ResourceCollection is { } resources)
        {
            resources.Changed += (_, _) => Broadcast(NotificationMethods.ResourceListChangedNotification, g => g.ResourcesListChanged);
        }
    }

    public int Count => _listeners.Count;

    public async ValueTask<EmptyResult> ListenAsync(RequestContext<SubscriptionsListenRequestParams> context, CancellationToken cancellationToken)
    {
        var wanted = context.Params?.Notifications ?? new SubscriptionsListenNotifications();
        var uris = (wanted.ResourceSubscriptions ?? []).Where(u => _resources is not null && ResourceNotifier.IsOurs(u)).Distinct(StringComparer.Ordinal).ToList();
        var granted = new SubscriptionsListenNotifications
        {
            ToolsListChanged = wanted.ToolsListChanged == true ? true : null,
            PromptsListChanged = wanted.PromptsListChanged == true ? true : null,
            ResourcesListChanged = wanted.ResourcesListChanged == true ? true : null,
            ResourceSubscriptions = uris.Count > 0 ? uris : null,
        };
        var listener = new Listener(context.Server, context.JsonRpcRequest.Id, granted);
        // Listen first, then acknowledge: a change right after the client sees the ack must not be missed.
        _listeners.TryAdd(listener, 0);
        foreach (var uri in uris)
        {
            _resources!.Listen(uri, context.Server, listener.Id);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.ApplicationStopping);
        try
        {
            var ack = new JsonObject { ["notifications"] = JsonSerializer.SerializeToNode(granted, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(SubscriptionsListenNotifications))) };
            await SendAsync(listener, NotificationMethods.SubscriptionsAcknowledgedNotification, ack, stop.Token).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _listeners.TryRemove(listener, out _);
            foreach (var uri in uris)
            {
                _resources!.Unlisten(uri, context.Server, listener.Id);
            }
        }
        return new EmptyResult();
    }

    private void Broadcast(string method, Func<SubscriptionsListenNotifications, bool?> wants)
    {
        foreach (var listener in _listeners.Keys.Where(l => wants(l.Granted) == true))
        {
            _ = SendSafelyAsync(listener, method);
        }
    }

    private async Task SendSafelyAsync(Listener listener, string method)
    {
        try
        {
            await SendAsync(listener, method, [], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or McpException or IOException or OperationCanceledException)
        {
            _listeners.TryRemove(listener, out _);
        }
    }

    private static Task SendAsync(Listener listener, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        parameters["_meta"] = new JsonObject
        {
            [MetaKeys.SubscriptionId] = JsonSerializer.SerializeToNode(listener.Id, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(RequestId))),
        };
        return listener.Server.SendNotificationAsync(method, parameters, McpJsonUtilities.DefaultOptions, cancellationToken);
    }
}
