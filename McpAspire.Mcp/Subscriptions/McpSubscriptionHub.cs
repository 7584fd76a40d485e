using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Mcp.Subscriptions;

/// <summary>
/// Serves 2026-07-28 <c>subscriptions/listen</c>. The SDK's built-in handler grants nothing on a stateless transport
/// (it assumes a server per request); this endpoint keeps one long-lived stateless server, so it can hold each listen
/// stream open, acknowledge what it grants, and fan out list-changed notifications (from the tool, prompt and
/// resource collections) and <see cref="PublishResourceUpdatedAsync"/> calls to the streams that asked for them,
/// each tagged with its subscription id. Fan-out is in-process: a multi-replica deployment forwards changes to
/// every replica (see README).
/// </summary>
public sealed partial class McpSubscriptionHub : IDisposable
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();
    private readonly McpServerOptions _serverOptions;
    private readonly ILogger<McpSubscriptionHub> _logger;
    private readonly EventHandler _tools;
    private readonly EventHandler _prompts;
    private readonly EventHandler _resources;
    private readonly CancellationToken _stopping;

    /// <summary>Creates the hub and listens to the server's primitive collections.</summary>
    public McpSubscriptionHub(IOptions<McpServerOptions> serverOptions, IHostApplicationLifetime lifetime, ILogger<McpSubscriptionHub> logger)
    {
        ArgumentNullException.ThrowIfNull(serverOptions);
        ArgumentNullException.ThrowIfNull(lifetime);
        _stopping = lifetime.ApplicationStopping;
        _serverOptions = serverOptions.Value;
        _logger = logger;
        _tools = (_, _) => Fire(NotificationMethods.ToolListChangedNotification);
        _prompts = (_, _) => Fire(NotificationMethods.PromptListChangedNotification);
        _resources = (_, _) => Fire(NotificationMethods.ResourceListChangedNotification);
        if (_serverOptions.ToolCollection is { } tools)
        {
            tools.Changed += _tools;
        }
        if (_serverOptions.PromptCollection is { } prompts)
        {
            prompts.Changed += _prompts;
        }
        if (_serverOptions.ResourceCollection is { } resources)
        {
            resources.Changed += _resources;
        }
    }

    /// <summary>Number of open listen streams on this replica.</summary>
    public int Count => _subscriptions.Count;

    /// <summary>The <c>subscriptions/listen</c> handler: acknowledge, then hold the stream until the client leaves.</summary>
    public async ValueTask<EmptyResult> ListenAsync(RequestContext<SubscriptionsListenRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requested = request.Params?.Notifications ?? new SubscriptionsListenNotifications();
        var granted = new SubscriptionsListenNotifications
        {
            ToolsListChanged = requested.ToolsListChanged == true && _serverOptions.ToolCollection is not null ? true : null,
            PromptsListChanged = requested.PromptsListChanged == true && _serverOptions.PromptCollection is not null ? true : null,
            ResourcesListChanged = requested.ResourcesListChanged == true && _serverOptions.ResourceCollection is not null ? true : null,
            ResourceSubscriptions = requested.ResourceSubscriptions is { Count: > 0 } uris ? [.. uris] : null,
        };
        var subscription = new Subscription(request.JsonRpcRequest.Id, granted, request.Server);
        _subscriptions.TryAdd(subscription, 0);
        try
        {
            var ack = JsonSerializer.SerializeToNode(new SubscriptionsAcknowledgedNotificationParams { Notifications = granted }, McpJsonUtilities.DefaultOptions);
            await SendAsync(subscription, NotificationMethods.SubscriptionsAcknowledgedNotification, ack as JsonObject, cancellationToken).ConfigureAwait(false);
            // Held until the client leaves or the host stops (a listen stream must not hold up shutdown).
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), closed).ConfigureAwait(false))
            await using (_stopping.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), closed).ConfigureAwait(false))
            {
                await closed.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            _subscriptions.TryRemove(subscription, out _);
        }
        return new EmptyResult();
    }

    /// <summary>Sends <c>notifications/resources/updated</c> to every listen stream subscribed to <paramref name="uri"/>.</summary>
    public async Task PublishResourceUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        foreach (var subscription in _subscriptions.Keys)
        {
            if (subscription.Granted.ResourceSubscriptions?.Contains(uri) == true)
            {
                await TrySendAsync(subscription, NotificationMethods.ResourceUpdatedNotification, new JsonObject { ["uri"] = uri }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends a list-changed notification to every listen stream that asked for it.</summary>
    public async Task PublishListChangedAsync(string method, CancellationToken cancellationToken = default)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            var wanted = method switch
            {
                NotificationMethods.ToolListChangedNotification => subscription.Granted.ToolsListChanged == true,
                NotificationMethods.PromptListChangedNotification => subscription.Granted.PromptsListChanged == true,
                NotificationMethods.ResourceListChangedNotification => subscription.Granted.ResourcesListChanged == true,
                _ => false,
            };
            if (wanted)
            {
                await TrySendAsync(subscription, method, null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_serverOptions.ToolCollection is { } tools)
        {
            tools.Changed -= _tools;
        }
        if (_serverOptions.PromptCollection is { } prompts)
        {
            prompts.Changed -= _prompts;
        }
        if (_serverOptions.ResourceCollection is { } resources)
        {
            resources.Changed -= _resources;
        }
    }

    private void Fire(string method) => _ = PublishListChangedAsync(method);

    private async Task TrySendAsync(Subscription subscription, string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(subscription, method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One closed stream must not stop delivery to the others.
            LogSendFailed(_logger, ex, method, subscription.Id.ToString());
        }
    }

    private static Task SendAsync(Subscription subscription, string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        parameters ??= new JsonObject();
        if (parameters["_meta"] is not JsonObject meta)
        {
            meta = new JsonObject();
            parameters["_meta"] = meta;
        }
        meta[MetaKeys.SubscriptionId] = subscription.Id.Id switch
        {
            string s => JsonValue.Create(s),
            long l => JsonValue.Create(l),
            _ => null,
        };
        // The request-bound server routes the notification over the listen request's own response stream.
        return subscription.Server.SendMessageAsync(new JsonRpcNotification { Method = method, Params = parameters }, cancellationToken);
    }

    private sealed record Subscription(RequestId Id, SubscriptionsListenNotifications Granted, McpServer Server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not deliver {Method} to subscription {SubscriptionId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string method, string subscriptionId);
}
