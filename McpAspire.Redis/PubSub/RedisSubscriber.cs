using System.Buffers;
using McpAspire.Redis.Connections;
using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.PubSub;

/// <summary>
/// Pub/sub over its own connection: each channel or pattern is subscribed once however many handlers and queues use
/// it; messages are copied off the read loop into per-subscriber queues (handlers run on their own pump task, in
/// order); every subscription is sent again after a reconnect.
/// </summary>
internal sealed class RedisSubscriber : ISubscriber, IPushHandler, IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly ManagedConnection _connection;
    private readonly Lock _lock = new();
    private readonly Dictionary<RedisChannel, List<ChannelMessageQueue>> _subscriptions = [];

    public RedisSubscriber(ConnectionMultiplexer multiplexer)
    {
        _multiplexer = multiplexer;
        _connection = new ManagedConnection(multiplexer, ConnectionType.Subscription, this) { OnConnectedAsync = ResubscribeAsync };
    }

    public IConnectionMultiplexer Multiplexer => _multiplexer;

    /// <summary>True while the pub/sub connection is up.</summary>
    public bool IsConnected => _connection.IsConnected;

    public async Task SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> handler, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var queue = await SubscribeCoreAsync(channel, handler, cancellationToken).ConfigureAwait(false);
        _ = queue.PumpAsync((message, ex) => _multiplexer.LogHandlerFailed(message.SubscriptionChannel, ex));
    }

    public Task<ChannelMessageQueue> SubscribeAsync(RedisChannel channel, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        SubscribeCoreAsync(channel, null, cancellationToken);

    public async Task UnsubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue>? handler = null, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        List<ChannelMessageQueue> removed = [];
        bool last;
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(channel, out var queues))
            {
                return;
            }
            removed.AddRange(handler is null ? queues : queues.Where(q => q.Handler == handler));
            queues.RemoveAll(removed.Contains);
            last = queues.Count == 0;
            if (last)
            {
                _subscriptions.Remove(channel);
            }
        }
        foreach (var queue in removed)
        {
            queue.Complete();
        }
        if (last)
        {
            await SendUnsubscribeAsync(channel, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task UnsubscribeAllAsync(CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default)
    {
        RedisChannel[] channels;
        lock (_lock)
        {
            channels = [.. _subscriptions.Keys];
        }
        foreach (var channel in channels)
        {
            await UnsubscribeAsync(channel, null, flags, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<long> PublishAsync(RedisChannel channel, RedisValue message, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default) =>
        _multiplexer.GetDatabase().PublishAsync(channel, message, flags, cancellationToken);

    internal async Task RemoveQueueAsync(ChannelMessageQueue queue, CancellationToken cancellationToken)
    {
        bool last;
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(queue.Channel, out var queues) || !queues.Remove(queue))
            {
                return;
            }
            last = queues.Count == 0;
            if (last)
            {
                _subscriptions.Remove(queue.Channel);
            }
        }
        queue.Complete();
        if (last)
        {
            await SendUnsubscribeAsync(queue.Channel, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ChannelMessageQueue> SubscribeCoreAsync(RedisChannel channel, Action<RedisChannel, RedisValue>? handler, CancellationToken cancellationToken)
    {
        if (channel.IsNull || channel.Name.Length == 0)
        {
            throw new ArgumentException("The channel has no name.", nameof(channel));
        }
        var queue = new ChannelMessageQueue(channel, this, handler);
        bool first;
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(channel, out var queues))
            {
                _subscriptions[channel] = queues = [];
            }
            first = queues.Count == 0;
            queues.Add(queue);
        }
        if (!first)
        {
            return queue;
        }
        try
        {
            var connection = await _connection.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            await connection.SendAsync(channel.IsPattern ? RedisCommand.PSubscribe : RedisCommand.Subscribe, [channel.Name], ResultProcessors.Result, -1, cancellationToken).ConfigureAwait(false);
            return queue;
        }
        catch
        {
            await RemoveQueueAsync(queue, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task SendUnsubscribeAsync(RedisChannel channel, CancellationToken cancellationToken)
    {
        if (_connection.Current is not { } connection)
        {
            return; // nothing is subscribed on a dead connection, and the resubscribe will skip this channel
        }
        try
        {
            await connection.SendAsync(channel.IsPattern ? RedisCommand.PUnsubscribe : RedisCommand.Unsubscribe, [channel.Name], ResultProcessors.Result, -1, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException)
        {
            // The connection died: the server forgot the subscription with it.
        }
    }

    private async Task ResubscribeAsync(PhysicalConnection connection, CancellationToken cancellationToken)
    {
        RedisChannel[] channels;
        lock (_lock)
        {
            channels = [.. _subscriptions.Keys];
        }
        var pending = channels.Select(c => connection.SendAsync(c.IsPattern ? RedisCommand.PSubscribe : RedisCommand.Subscribe, [c.Name], ResultProcessors.Result, -1, cancellationToken));
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <summary>Runs on the read loop: copy the message out and hand it to the subscribers' queues.</summary>
    public void OnMessage(in RespFrame frame)
    {
        var items = frame.Children();
        var kind = items.Next();
        var isPattern = kind.Payload.Length == 8; // "pmessage"
        RedisChannel subscription;
        RedisChannel channel;
        if (isPattern)
        {
            subscription = RedisChannel.Pattern(items.Next().Payload.ToArray());
            channel = RedisChannel.Literal(items.Next().Payload.ToArray());
        }
        else
        {
            channel = RedisChannel.Literal(items.Next().Payload.ToArray());
            subscription = channel;
        }
        var payload = items.Next().ToRedisValue();
        var message = new ChannelMessage(subscription, channel, payload);
        lock (_lock)
        {
            if (_subscriptions.TryGetValue(subscription, out var queues))
            {
                foreach (var queue in queues)
                {
                    queue.Write(message);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<ChannelMessageQueue> queues;
        lock (_lock)
        {
            queues = [.. _subscriptions.Values.SelectMany(q => q)];
            _subscriptions.Clear();
        }
        foreach (var queue in queues)
        {
            queue.Complete();
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
