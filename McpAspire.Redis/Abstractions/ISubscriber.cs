namespace McpAspire.Redis;

/// <summary>
/// Pub/sub on a dedicated connection, shaped like StackExchange.Redis's <c>ISubscriber</c>. Subscriptions are restored
/// after a reconnect; messages published while the connection was down are lost (Redis pub/sub keeps nothing).
/// </summary>
public interface ISubscriber
{
    /// <summary>The multiplexer.</summary>
    IConnectionMultiplexer Multiplexer { get; }

    /// <summary>Subscribes a handler (called in order per channel, on the thread pool; a handler's exception is logged and delivery goes on).</summary>
    Task SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> handler, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>Subscribes and returns a queue to read messages from (unbounded; ordered).</summary>
    Task<ChannelMessageQueue> SubscribeAsync(RedisChannel channel, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>Removes one handler, or every handler and queue of the channel when <paramref name="handler"/> is null.</summary>
    Task UnsubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue>? handler = null, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>Removes every subscription.</summary>
    Task UnsubscribeAllAsync(CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);

    /// <summary>PUBLISH (on the command connection); the number of receivers.</summary>
    Task<long> PublishAsync(RedisChannel channel, RedisValue message, CommandFlags flags = CommandFlags.None, CancellationToken cancellationToken = default);
}
