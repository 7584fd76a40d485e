using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Resource update notifications for <c>agents://list</c>, <c>agents://{id}</c> and <c>mailbox://{id}</c>:
/// 2025 sessions subscribe with <c>resources/subscribe</c> and get <c>notifications/resources/updated</c> through their
/// session; 2026 clients hold a <c>subscriptions/listen</c> request whose stream carries the same notification tagged
/// with the subscription id. Changes arrive from the Redis events channel, so a change on any replica reaches them.
/// </summary>
internal sealed class ResourceNotifier
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Listener, byte>> _byUri = new(StringComparer.Ordinal);

    /// <summary>Registers a session's interest in a URI (2025 <c>resources/subscribe</c>).</summary>
    public void Subscribe(McpServer server, string uri) => Add(uri, new Listener(server, null));

    /// <summary>Removes a session's interest (2025 <c>resources/unsubscribe</c>).</summary>
    public void Unsubscribe(McpServer server, string uri)
    {
        if (_byUri.TryGetValue(uri, out var set))
        {
            set.TryRemove(new Listener(server, null), out _);
        }
    }

    /// <summary>Registers a 2026 listen stream's interest in a URI (its notifications carry the subscription id).</summary>
    public void Listen(string uri, McpServer server, RequestId subscriptionId) => Add(uri, new Listener(server, subscriptionId));

    /// <summary>Removes a listen stream's interest.</summary>
    public void Unlisten(string uri, McpServer server, RequestId subscriptionId)
    {
        if (_byUri.TryGetValue(uri, out var set))
        {
            set.TryRemove(new Listener(server, subscriptionId), out _);
        }
    }

    /// <summary>Sends <c>notifications/resources/updated</c> to everyone interested in the URI; dead listeners are dropped.</summary>
    public async Task NotifyAsync(string uri, CancellationToken cancellationToken)
    {
        if (!_byUri.TryGetValue(uri, out var set) || set.IsEmpty)
        {
            return;
        }
        foreach (var listener in set.Keys)
        {
            try
            {
                await listener.Server.SendNotificationAsync(NotificationMethods.ResourceUpdatedNotification, new ResourceUpdatedNotificationParams
                {
                    Uri = uri,
                    Meta = listener.SubscriptionId is { } id ? Tag(id) : null,
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or McpException or IOException)
            {
                set.TryRemove(listener, out _);
            }
        }
    }

    /// <summary>True for the URIs this tool host can report changes of.</summary>
    public static bool IsOurs(string uri) =>
        uri == AgentResources.ListUri || uri == SystemStatusResource.Uri || uri.StartsWith("agents://", StringComparison.Ordinal) || uri.StartsWith("mailbox://", StringComparison.Ordinal);

    private void Add(string uri, Listener listener) =>
        _byUri.GetOrAdd(uri, static _ => new ConcurrentDictionary<Listener, byte>()).TryAdd(listener, 0);

    // A fresh node each time: a JsonNode can belong to one parent only.
    private static JsonObject Tag(RequestId subscriptionId) => new()
    {
        [MetaKeys.SubscriptionId] = JsonSerializer.SerializeToNode(subscriptionId, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(RequestId))),
    };

    private sealed record Listener(McpServer Server, RequestId? SubscriptionId);
}
