using System.Collections.Concurrent;

namespace McpAspire.Hosting.Eventing;

/// <summary>In-process event bus; handlers run sequentially so a subscriber can rely on ordering.</summary>
public sealed class DistributedApplicationEventing : IDistributedApplicationEventing
{
    private readonly ConcurrentDictionary<Type, List<Func<object, CancellationToken, Task>>> _handlers = new();

    /// <inheritdoc />
    public void Subscribe<T>(Func<T, CancellationToken, Task> handler) where T : IDistributedApplicationEvent
    {
        ArgumentNullException.ThrowIfNull(handler);
        var list = _handlers.GetOrAdd(typeof(T), _ => []);
        lock (list)
        {
            list.Add((e, ct) => handler((T)e, ct));
        }
    }

    /// <inheritdoc />
    public async Task PublishAsync<T>(T @event, CancellationToken cancellationToken = default) where T : IDistributedApplicationEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!_handlers.TryGetValue(typeof(T), out var list))
        {
            return;
        }
        Func<object, CancellationToken, Task>[] snapshot;
        lock (list)
        {
            snapshot = [.. list];
        }
        foreach (var handler in snapshot)
        {
            await handler(@event, cancellationToken).ConfigureAwait(false);
        }
    }
}
