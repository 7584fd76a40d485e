namespace McpAspire.Redis;

/// <summary>A received pub/sub message.</summary>
public readonly struct ChannelMessage
{
    internal ChannelMessage(RedisChannel subscriptionChannel, RedisChannel channel, RedisValue message)
    {
        SubscriptionChannel = subscriptionChannel;
        Channel = channel;
        Message = message;
    }

    /// <summary>The subscription (a pattern for PSUBSCRIBE) that matched.</summary>
    public RedisChannel SubscriptionChannel { get; }

    /// <summary>The channel the message was published to.</summary>
    public RedisChannel Channel { get; }

    /// <summary>The payload.</summary>
    public RedisValue Message { get; }
}
