using System.Collections.Concurrent;
using System.Threading.Channels;
using StackExchange.Redis;
using McpAspire.StateService.Options;
using McpAspire.StateService.Storage;
using McpAspire.StateService.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Changes;

/// <summary>One <c>/events</c> subscriber's queue of JSON changes.</summary>
public sealed class ChangeSubscription : IDisposable
{
    private readonly ChangeBroadcaster _owner;

    internal ChangeSubscription(ChangeBroadcaster owner, string? sessionId, int capacity)
    {
        _owner = owner;
        SessionId = sessionId;
        Queue = Channel.CreateBounded<string>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Only this session's changes when set.</summary>
    public string? SessionId { get; }

    /// <summary>Changes to write, as SSE <c>data</c>. Completed with an error when the subscriber fell too far behind.</summary>
    public Channel<string> Queue { get; }

    /// <inheritdoc />
    public void Dispose() => _owner.Remove(this);
}

/// <summary>
/// Subscribes once to the Redis changes channel and fans each message out to this replica's <c>/events</c>
/// subscribers. A subscriber that cannot keep up is disconnected with an overflow error (it must resync), never
/// silently skipped; after a Redis reconnect every subscriber gets a <c>resync</c> notice, since changes published
/// during the gap were not received.
/// </summary>
public sealed partial class ChangeBroadcaster : IHostedService, IDisposable
{
    /// <summary>Sent (as a JSON change of this type) when changes may have been missed.</summary>
    public const string ResyncType = "resync";

    private readonly IConnectionMultiplexer _redis;
    private readonly StateKeys _keys;
    private readonly StateOptions _options;
    private readonly StateMetrics _metrics;
    private readonly ILogger<ChangeBroadcaster> _logger;
    private readonly ConcurrentDictionary<ChangeSubscription, byte> _subscribers = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _subscribeLoop;

    /// <summary>Creates the broadcaster.</summary>
    public ChangeBroadcaster(IConnectionMultiplexer redis, StateKeys keys, IOptions<StateOptions> options, StateMetrics metrics, ILogger<ChangeBroadcaster> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = keys;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Registers a subscriber.</summary>
    public ChangeSubscription Subscribe(string? sessionId)
    {
        var subscription = new ChangeSubscription(this, sessionId, _options.SubscriberBufferSize);
        _subscribers.TryAdd(subscription, 0);
        _metrics.SubscriberAdded();
        return subscription;
    }

    internal void Remove(ChangeSubscription subscription)
    {
        if (_subscribers.TryRemove(subscription, out _))
        {
            subscription.Queue.Writer.TryComplete();
            _metrics.SubscriberRemoved();
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _redis.ConnectionRestored += OnConnectionRestored;
        // Redis may still be connecting (or down) at start-up: keep trying in the background so the service starts
        // anyway; once registered, the client resubscribes by itself after reconnects.
        _subscribeLoop = Task.Run(() => SubscribeUntilDoneAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SubscribeUntilDoneAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            var channel = RedisChannel.Literal(_keys.ChangesChannel);
            Action<RedisChannel, RedisValue> handler = (_, message) => Deliver((string)message!);
            try
            {
                await _redis.GetSubscriber().SubscribeAsync(channel, handler).ConfigureAwait(false);
                IsSubscribed = true;
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                // The client may have kept the handler registered; drop it so the next attempt does not add a second.
                try
                {
                    await _redis.GetSubscriber().UnsubscribeAsync(channel, handler, CommandFlags.FireAndForget).ConfigureAwait(false);
                }
                catch (RedisException)
                {
                }
                LogSubscribeDeferred(_logger, ex.Message);
            }
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
        }
    }

    /// <summary>True once the Redis subscription is registered (readiness of <c>/events</c>).</summary>
    public bool IsSubscribed { get; private set; }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _redis.ConnectionRestored -= OnConnectionRestored;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_subscribeLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
        foreach (var subscription in _subscribers.Keys)
        {
            Remove(subscription);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    /// <summary>Fans one raw channel message (<c>sid\tjson</c>) out.</summary>
    internal void Deliver(string message)
    {
        var tab = message.IndexOf('\t', StringComparison.Ordinal);
        if (tab < 0)
        {
            return;
        }
        var sid = message.AsSpan(0, tab);
        var json = message[(tab + 1)..];
        foreach (var subscription in _subscribers.Keys)
        {
            if (subscription.SessionId is { } wanted && !sid.SequenceEqual(wanted))
            {
                continue;
            }
            if (!subscription.Queue.Writer.TryWrite(json))
            {
                LogOverflow(_logger, subscription.SessionId ?? "*");
                subscription.Queue.Writer.TryComplete(new ChangeOverflowException());
                Remove(subscription);
            }
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _metrics.Reconnected();
        var notice = $"{{\"type\":\"{ResyncType}\",\"timestamp\":\"{DateTimeOffset.UtcNow:O}\"}}";
        foreach (var subscription in _subscribers.Keys)
        {
            subscription.Queue.Writer.TryWrite(notice);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Subscribing to state changes deferred until Redis is reachable: {Reason}")]
    private static partial void LogSubscribeDeferred(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Change subscriber (session {SessionId}) fell behind and was disconnected")]
    private static partial void LogOverflow(ILogger logger, string sessionId);
}

/// <summary>A subscriber fell too far behind the change stream.</summary>
public sealed class ChangeOverflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChangeOverflowException() : base("The subscriber fell too far behind; reconnect and resynchronise.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ChangeOverflowException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public ChangeOverflowException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
