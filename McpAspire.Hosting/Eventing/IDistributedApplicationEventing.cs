namespace McpAspire.Hosting.Eventing;

/// <summary>Subscribe to and publish lifecycle events.</summary>
public interface IDistributedApplicationEventing
{
    /// <summary>Runs <paramref name="handler"/> each time an event of type <typeparamref name="T"/> is published.</summary>
    void Subscribe<T>(Func<T, CancellationToken, Task> handler) where T : IDistributedApplicationEvent;

    /// <summary>Runs the handlers of <typeparamref name="T"/> in subscription order.</summary>
    Task PublishAsync<T>(T @event, CancellationToken cancellationToken = default) where T : IDistributedApplicationEvent;
}
