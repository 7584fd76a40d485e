using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.Gateway.Catalog;
using McpAspire.Gateway.Downstream;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Front;

/// <summary>
/// Fans notifications out to the gateway's clients on this replica: list-changed when the merged catalog changes
/// (fan-in from every downstream), <c>resources/updated</c> to the sessions and listen streams subscribed to the URI,
/// and downstream log messages to 2025 sessions that asked for that level. 2025-era sessions are tracked as they make
/// requests (their server object delivers to the session's GET stream and event log), and list-changed goes to every
/// live session of this replica besides; 2026 clients are reached through their <c>subscriptions/listen</c> streams.
/// </summary>
public sealed partial class NotificationHub : IDisposable
{
    private readonly DownstreamManager _downstreams;
    private readonly LiveSessions _live;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<NotificationHub> _logger;
    // Keyed by session id: the SDK hands each request its own McpServer wrapper, so keying by that object (weakly) lost a
    // session's subscriptions once the wrapper was collected, and counted one session once per live wrapper.
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _listenersLock = new();
    private readonly List<Listener> _listeners = [];

    /// <summary>How many list-changed notifications a broadcast has in flight at once.</summary>
    internal const int BroadcastConcurrency = 64;

    /// <summary>Creates the hub and listens to the downstream manager.</summary>
    public NotificationHub(DownstreamManager downstreams, LiveSessions live, IHostApplicationLifetime lifetime, ILogger<NotificationHub> logger)
    {
        _downstreams = downstreams;
        _live = live;
        _lifetime = lifetime;
        _logger = logger;
        downstreams.CatalogChanged += OnCatalogChanged;
        downstreams.NotificationReceived += OnDownstreamNotificationAsync;
    }

    private sealed class SessionState(McpServer server)
    {
        private McpServer _server = server;

        /// <summary>The server of the session's latest request here: used only when the session's own server is not at hand (legacy SSE).</summary>
        public McpServer Server
        {
            get => Volatile.Read(ref _server);
            set => Volatile.Write(ref _server, value);
        }

        public HashSet<string> Resources { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Listener(McpServer Server, RequestId Id, SubscriptionsListenNotifications Granted);

    /// <summary>Remembers a 2025-era session's server (no-op for stateless requests).</summary>
    public void Track(McpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.SessionId is { } id)
        {
            State(id, server);
        }
    }

    /// <summary>Records a 2025 resource subscription of a session.</summary>
    public void Subscribe(McpServer server, string uri)
    {
        ArgumentNullException.ThrowIfNull(server);
        var state = State(server.SessionId ?? throw new McpProtocolException("resources/subscribe needs a 2025-era session; 2026-07-28 clients use subscriptions/listen.", McpErrorCode.InvalidRequest), server);
        lock (state)
        {
            state.Resources.Add(uri);
        }
    }

    /// <summary>Drops a 2025 resource subscription.</summary>
    public void Unsubscribe(McpServer server, string uri)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.SessionId is { } id && _sessions.TryGetValue(id, out var state))
        {
            lock (state)
            {
                state.Resources.Remove(uri);
            }
        }
    }

    /// <summary>True when any session or listener on this replica wants updates of <paramref name="uri"/>.</summary>
    public bool IsSubscribed(string uri)
    {
        foreach (var (_, state) in _sessions)
        {
            lock (state)
            {
                if (state.Resources.Contains(uri))
                {
                    return true;
                }
            }
        }
        lock (_listenersLock)
        {
            return _listeners.Any(l => l.Granted.ResourceSubscriptions?.Contains(uri) == true);
        }
    }

    /// <summary>
    /// Serves one 2026 <c>subscriptions/listen</c> stream: acknowledges what the gateway honours, then delivers matching
    /// notifications until the client goes away.
    /// </summary>
    public async ValueTask<EmptyResult> ListenAsync(RequestContext<SubscriptionsListenRequestParams> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wanted = request.Params?.Notifications ?? new SubscriptionsListenNotifications();
        var granted = new SubscriptionsListenNotifications
        {
            ToolsListChanged = wanted.ToolsListChanged == true ? true : null,
            PromptsListChanged = wanted.PromptsListChanged == true ? true : null,
            ResourcesListChanged = wanted.ResourcesListChanged == true ? true : null,
            ResourceSubscriptions = wanted.ResourceSubscriptions is { Count: > 0 } uris ? [.. uris] : null,
        };
        var listener = new Listener(request.Server, request.JsonRpcRequest.Id, granted);
        // Listen first, then acknowledge: a change right after the client sees the ack must not be missed.
        lock (_listenersLock)
        {
            _listeners.Add(listener);
        }
        // The stream ends when the client leaves or the replica stops (so a shutdown does not wait for listeners).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.ApplicationStopping);
        try
        {
            await SendTaggedAsync(listener, NotificationMethods.SubscriptionsAcknowledgedNotification,
                new JsonObject { ["notifications"] = JsonSerializer.SerializeToNode(granted, McpJsonUtilities.DefaultOptions) }, stop.Token).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_listenersLock)
            {
                _listeners.Remove(listener);
            }
        }
        return new EmptyResult();
    }

    /// <summary>Open listen streams on this replica.</summary>
    public int ListenerCount
    {
        get
        {
            lock (_listenersLock)
            {
                return _listeners.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _downstreams.CatalogChanged -= OnCatalogChanged;
        _downstreams.NotificationReceived -= OnDownstreamNotificationAsync;
    }

    private void OnCatalogChanged(CatalogSnapshot previous, CatalogSnapshot next)
    {
        var methods = new List<string>(3);
        if (!SameNames(previous.Tools.Select(t => t.Name), next.Tools.Select(t => t.Name)) || !ReferenceEqualsAll(previous.Tools, next.Tools))
        {
            methods.Add(NotificationMethods.ToolListChangedNotification);
        }
        if (!SameNames(previous.Prompts.Select(p => p.Name), next.Prompts.Select(p => p.Name)))
        {
            methods.Add(NotificationMethods.PromptListChangedNotification);
        }
        if (!SameNames(previous.Resources.Select(r => r.Uri), next.Resources.Select(r => r.Uri))
            || !SameNames(previous.ResourceTemplates.Select(r => r.UriTemplate), next.ResourceTemplates.Select(r => r.UriTemplate)))
        {
            methods.Add(NotificationMethods.ResourceListChangedNotification);
        }
        if (methods.Count > 0)
        {
            _ = Task.Run(() => BroadcastListChangedAsync(methods));
        }
    }

    private async Task BroadcastListChangedAsync(List<string> methods)
    {
        foreach (var method in methods)
        {
            // Every 2025 session this replica tracks or runs (also one that only opened its GET stream) and every listen
            // stream that asked for this list. Sent concurrently (at most BroadcastConcurrency at once): in shared mode
            // each send is a Redis write, and one after the other 5,000 idle sessions kept the last stream (and every
            // listen stream, served after them) waiting ~2 s (gateway-scale); a method goes to all before the next one.
            var sessions = new Dictionary<string, SessionState>(_sessions, StringComparer.Ordinal);
            foreach (var (id, server) in _live.All())
            {
                if (!sessions.ContainsKey(id))
                {
                    sessions[id] = State(id, server);
                }
            }
            Listener[] listeners;
            lock (_listenersLock)
            {
                listeners = [.. _listeners.Where(l => (method switch
                {
                    NotificationMethods.ToolListChangedNotification => l.Granted.ToolsListChanged,
                    NotificationMethods.PromptListChangedNotification => l.Granted.PromptsListChanged,
                    _ => l.Granted.ResourcesListChanged,
                }) == true)];
            }
            var sends = listeners.Select(l => (Func<Task>)(() => SendTaggedSafelyAsync(l, method, new JsonObject())))
                .Concat(sessions.Select(s => (Func<Task>)(() => SendSafelyAsync(s.Key, s.Value, method, null))));
            await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = BroadcastConcurrency }, async (send, _) => await send().ConfigureAwait(false)).ConfigureAwait(false);
        }
        LogListChanged(_logger, string.Join(", ", methods));
    }

    private async ValueTask OnDownstreamNotificationAsync(DownstreamConnection connection, JsonRpcNotification notification)
    {
        if (notification.Method == NotificationMethods.ResourceUpdatedNotification)
        {
            var uri = notification.Params?["uri"]?.GetValue<string>();
            if (uri is null)
            {
                return;
            }
            var count = 0;
            foreach (var (id, state) in _sessions)
            {
                bool subscribed;
                lock (state)
                {
                    subscribed = state.Resources.Contains(uri);
                }
                if (subscribed)
                {
                    count++;
                    await SendSafelyAsync(id, state, notification.Method, notification.Params?.DeepClone()).ConfigureAwait(false);
                }
            }
            LogResourceUpdated(_logger, uri, count);
            Listener[] listeners;
            lock (_listenersLock)
            {
                listeners = [.. _listeners.Where(l => l.Granted.ResourceSubscriptions?.Contains(uri) == true)];
            }
            foreach (var listener in listeners)
            {
                await SendTaggedSafelyAsync(listener, notification.Method, (notification.Params?.DeepClone() as JsonObject) ?? new JsonObject { ["uri"] = uri }).ConfigureAwait(false);
            }
        }
        else if (notification.Method == "notifications/message")
        {
            var level = notification.Params?["level"]?.GetValue<string>();
            foreach (var (id, state) in _sessions)
            {
#pragma warning disable MCP9005 // logging is deprecated in 2026-07-28 but is how 2025-era sessions ask for log messages
                var threshold = state.Server.LoggingLevel;
#pragma warning restore MCP9005
                if (threshold is not null && LevelRank(level) >= LevelRank(threshold.Value.ToString().ToLowerInvariant()))
                {
                    var forwarded = notification.Params?.DeepClone() as JsonObject ?? [];
                    // Say which downstream spoke: the client sees one server.
                    forwarded["logger"] = connection.Name + (forwarded["logger"] is { } l ? "/" + l.GetValue<string>() : "");
                    await SendSafelyAsync(id, state, notification.Method, forwarded).ConfigureAwait(false);
                }
            }
        }
    }

    private SessionState State(string sessionId, McpServer server)
    {
        var state = _sessions.GetOrAdd(sessionId, static (_, s) => new SessionState(s), server);
        state.Server = server;
        return state;
    }

    private async Task SendSafelyAsync(string sessionId, SessionState state, string method, JsonNode? parameters)
    {
        // The session's own server puts the message on its GET stream (and, across replicas, in its event log); a
        // request's server would put it on that request's POST stream while it is open.
        var server = _live.TryGetServer(sessionId, out var own) ? own : state.Server;
        try
        {
            await server.SendMessageAsync(new JsonRpcNotification { Method = method, Params = parameters }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException ex)
        {
            // The session ended on this replica; forget it.
            LogSessionGone(_logger, method, sessionId, ex.Message);
            _sessions.TryRemove(KeyValuePair.Create(sessionId, state));
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or McpException)
        {
            // A transient delivery failure (no stream open right now): the session stays, later notifications still go out.
            LogDeliveryFailed(_logger, method, ex.Message);
        }
    }

    private Task SendTaggedAsync(Listener listener, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var meta = parameters["_meta"] as JsonObject ?? [];
        meta[MetaKeys.SubscriptionId] = JsonValue.Create(listener.Id.ToString());
        parameters["_meta"] = meta;
        return listener.Server.SendMessageAsync(new JsonRpcNotification { Method = method, Params = parameters }, cancellationToken);
    }

    private async Task SendTaggedSafelyAsync(Listener listener, string method, JsonObject parameters)
    {
        try
        {
            await SendTaggedAsync(listener, method, parameters, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or IOException or OperationCanceledException or McpException)
        {
            lock (_listenersLock)
            {
                _listeners.Remove(listener);
            }
        }
    }

    private static int LevelRank(string? level) => level switch
    {
        "debug" => 0,
        "info" => 1,
        "notice" => 2,
        "warning" => 3,
        "error" => 4,
        "critical" => 5,
        "alert" => 6,
        "emergency" => 7,
        _ => 1,
    };

    private static bool SameNames(IEnumerable<string> a, IEnumerable<string> b) => a.SequenceEqual(b, StringComparer.Ordinal);

    private static bool ReferenceEqualsAll<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) where T : class =>
        a.Count == b.Count && a.Zip(b).All(p => JsonSerializer.Serialize(p.First, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T)))
            == JsonSerializer.Serialize(p.Second, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T))));

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Could not deliver {Method} to a session now: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Session {SessionId} is gone on this replica ({Reason}); {Method} not delivered")]
    private static partial void LogSessionGone(ILogger logger, string method, string? sessionId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Resource {Uri} updated: {Count} subscribed sessions on this replica")]
    private static partial void LogResourceUpdated(ILogger logger, string uri, int count);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Catalog changed; notified clients: {Methods}")]
    private static partial void LogListChanged(ILogger logger, string methods);
}
