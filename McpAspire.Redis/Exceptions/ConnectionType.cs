namespace McpAspire.Redis;

/// <summary>Which of the multiplexer's connections an event is about.</summary>
public enum ConnectionType
{
    /// <summary>Not known.</summary>
    None,

    /// <summary>The multiplexed command connection.</summary>
    Interactive,

    /// <summary>The pub/sub connection.</summary>
    Subscription,
}
