namespace McpAspire.Redis;

/// <summary>A multiplexed connection to one Redis server, shaped like StackExchange.Redis's <c>IConnectionMultiplexer</c>.</summary>
public interface IConnectionMultiplexer : IDisposable, IAsyncDisposable
{
    /// <summary>True while the command connection is up.</summary>
    bool IsConnected { get; }

    /// <summary>The client name (CLIENT SETNAME), if any.</summary>
    string ClientName { get; }

    /// <summary>The configuration in StackExchange.Redis format (password masked).</summary>
    string Configuration { get; }

    /// <summary>Raised (on the thread pool) when a connection fails.</summary>
    event EventHandler<ConnectionFailedEventArgs>? ConnectionFailed;

    /// <summary>Raised (on the thread pool) when a failed connection is back.</summary>
    event EventHandler<ConnectionFailedEventArgs>? ConnectionRestored;

    /// <summary>A database (-1: the configured default).</summary>
    IDatabase GetDatabase(int db = -1, object? asyncState = null);

    /// <summary>The pub/sub API (its connection opens on first subscribe).</summary>
    ISubscriber GetSubscriber(object? asyncState = null);

    /// <summary>Closes every connection; commands in flight fail with <see cref="RedisConnectionException"/>.</summary>
    Task CloseAsync(bool allowCommandsToComplete = true);
}
